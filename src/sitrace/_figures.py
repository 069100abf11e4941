"""Writing a matplotlib figure to the file a plot function was given (every plot module)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from .errors import InputError

__all__ = ["FORMATS", "save_figure"]

#: File types a plot may be written as, by suffix.
FORMATS = frozenset({".png", ".svg", ".pdf"})


def save_figure(fig: Figure, path: str | Path | None, *, dpi: int = 150) -> Figure:
    """Write ``fig`` to ``path`` (``.png``, ``.svg`` or ``.pdf``) when one is given.

    Returns the figure. Another suffix is refused by name, and the figure is closed
    so that a refused call leaves no open figure behind.
    """
    if path is None:
        return fig
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        import matplotlib.pyplot as plt

        plt.close(fig)
        raise InputError(
            f"plot file must end in {', '.join(sorted(FORMATS))}, got {path.suffix or 'no suffix'}",
            where=str(path),
        )
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return fig

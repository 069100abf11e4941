"""Use cases of the data centre: each owns its transaction and writes store and ledger together.

The API and the CLI call these functions; they hold no SQL and no metrology of
their own.
"""

from .access import SYSTEM, Actor
from .datacentre import DataCentre, load_signer, open_data_centre

__all__ = ["SYSTEM", "Actor", "DataCentre", "load_signer", "open_data_centre"]

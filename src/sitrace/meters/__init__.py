"""In-service meter fleets: error estimation from the energy balance of transformer areas,
drift detection, lots and sampling plans (issue 6).

The core is pure (numpy, scipy, pandas): :mod:`~sitrace.meters.simulate` makes synthetic
fleets with their ground truth, :mod:`~sitrace.meters.prepare` turns a raw feed into
aligned area series, :mod:`~sitrace.meters.estimate` estimates each meter's error with its
uncertainty, :mod:`~sitrace.meters.decide` flags meters and areas, and
:mod:`~sitrace.meters.sampling` applies ISO 2859-1 sampling to lots.
"""

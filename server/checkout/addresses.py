"""Address formats by country, and validation of a shipping address against them.

The widget asks for exactly these fields (country first) and checks them as the shopper
types; the server checks them again here. Postal patterns are written so that the same
regular expression works in Python and JavaScript, tested on the trimmed, upper-cased value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from server.errors import ValidationFailed

US_STATES = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"),
    ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"),
    ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
)  # fmt: skip
CA_PROVINCES = (
    ("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"),
    ("NB", "New Brunswick"), ("NL", "Newfoundland and Labrador"), ("NS", "Nova Scotia"),
    ("NT", "Northwest Territories"), ("NU", "Nunavut"), ("ON", "Ontario"),
    ("PE", "Prince Edward Island"), ("QC", "Quebec"), ("SK", "Saskatchewan"), ("YT", "Yukon"),
)  # fmt: skip
AU_STATES = (
    ("ACT", "Australian Capital Territory"), ("NSW", "New South Wales"),
    ("NT", "Northern Territory"), ("QLD", "Queensland"), ("SA", "South Australia"),
    ("TAS", "Tasmania"), ("VIC", "Victoria"), ("WA", "Western Australia"),
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    label: str
    required: bool
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Postal:
    label: str
    pattern: str
    example: str
    required: bool = True


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    postal: Postal | None
    region: Region | None = None

    def as_json(self) -> dict[str, Any]:
        region = self.region and {
            "label": self.region.label,
            "required": self.region.required,
            "options": [list(option) for option in self.region.options],
        }
        postal = self.postal and {
            "label": self.postal.label,
            "required": self.postal.required,
            "pattern": self.postal.pattern,
            "example": self.postal.example,
        }
        return {"code": self.code, "name": self.name, "region": region, "postal": postal}


def _postcode(pattern: str, example: str, label: str = "Postal code") -> Postal:
    return Postal(label, pattern, example)


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country("AT", "Austria", _postcode(r"^\d{4}$", "1010")),
        Country("AU", "Australia", _postcode(r"^\d{4}$", "2000", "Postcode"),
                Region("State", True, AU_STATES)),
        Country("BE", "Belgium", _postcode(r"^\d{4}$", "1000")),
        Country("CA", "Canada", _postcode(r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$", "K1A 0B1"),
                Region("Province", True, CA_PROVINCES)),
        Country("CH", "Switzerland", _postcode(r"^\d{4}$", "8001")),
        Country("DE", "Germany", _postcode(r"^\d{5}$", "10115")),
        Country("DK", "Denmark", _postcode(r"^\d{4}$", "1050")),
        Country("ES", "Spain", _postcode(r"^\d{5}$", "28001"), Region("Province", False)),
        Country("FI", "Finland", _postcode(r"^\d{5}$", "00100")),
        Country("FR", "France", _postcode(r"^\d{5}$", "75001")),
        Country("GB", "United Kingdom",
                _postcode(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", "SW1A 1AA", "Postcode")),
        Country("IE", "Ireland", Postal("Eircode", r"^[A-Z]\d[\dW] ?[\dA-Z]{4}$", "D02 X285",
                                        required=False), Region("County", False)),
        Country("IT", "Italy", _postcode(r"^\d{5}$", "00118"), Region("Province", False)),
        Country("JP", "Japan", _postcode(r"^\d{3}-?\d{4}$", "100-0001"),
                Region("Prefecture", True)),
        Country("LU", "Luxembourg", _postcode(r"^(L-)?\d{4}$", "1111")),
        Country("NL", "Netherlands", _postcode(r"^\d{4} ?[A-Z]{2}$", "1012 AB")),
        Country("NO", "Norway", _postcode(r"^\d{4}$", "0150")),
        Country("NZ", "New Zealand", _postcode(r"^\d{4}$", "6011")),
        Country("PL", "Poland", _postcode(r"^\d{2}-\d{3}$", "00-001")),
        Country("PT", "Portugal", _postcode(r"^\d{4}-\d{3}$", "1000-001")),
        Country("SE", "Sweden", _postcode(r"^\d{3} ?\d{2}$", "111 22")),
        Country("US", "United States", _postcode(r"^\d{5}(-\d{4})?$", "94103", "ZIP code"),
                Region("State", True, US_STATES)),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str

    def as_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
        }


def country_of(code: object, field: str = "address.country") -> Country:
    country = COUNTRIES.get(code.strip().upper()) if isinstance(code, str) else None
    if country is None:
        raise ValidationFailed("Choose a country from the list.", field=field)
    return country


def normalize_postal_code(raw: str) -> str:
    return " ".join(raw.strip().upper().split())


def validate_postal_code(country: Country, raw: str, field: str) -> str:
    value = normalize_postal_code(raw)
    if country.postal is None:
        return value
    if not value:
        if country.postal.required:
            raise ValidationFailed(f"Enter a {country.postal.label.lower()}.", field=field)
        return value
    # re.ASCII: \d means 0-9 here, exactly as in the widget's JavaScript.
    if not re.match(country.postal.pattern, value, re.ASCII):
        raise ValidationFailed(
            f"Enter a valid {country.postal.label.lower()}, like {country.postal.example}.",
            field=field,
        )
    return value


def validate_region(country: Country, raw: str, field: str) -> str:
    value = raw.strip()
    if country.region is None:
        return ""
    if country.region.options:
        codes = {code for code, _ in country.region.options}
        if value.upper() in codes:
            return value.upper()
        if value or country.region.required:
            raise ValidationFailed(f"Choose a {country.region.label.lower()}.", field=field)
        return ""
    if country.region.required and not value:
        raise ValidationFailed(f"Enter a {country.region.label.lower()}.", field=field)
    return value[:100]


def validate_address(raw: object, prefix: str = "address") -> Address:
    if not isinstance(raw, dict):
        raise ValidationFailed("Enter a shipping address.", field=prefix)
    country = country_of(raw.get("country"), f"{prefix}.country")

    def text(key: str, message: str, required: bool = True, limit: int = 200) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ValidationFailed(message, field=f"{prefix}.{key}")
        value = " ".join(value.split())
        if (required and not value) or len(value) > limit:
            raise ValidationFailed(message, field=f"{prefix}.{key}")
        return value

    def optional(key: str) -> str:
        value = raw.get(key, "")
        return value if isinstance(value, str) else ""

    return Address(
        name=text("name", "Enter the recipient's full name."),
        line1=text("line1", "Enter the street address."),
        line2=text("line2", "Keep the second address line under 200 characters.", False),
        city=text("city", "Enter the city or town.", limit=100),
        region=validate_region(country, optional("region"), f"{prefix}.region"),
        postal_code=validate_postal_code(country, optional("postal_code"), f"{prefix}.postal_code"),
        country=country.code,
    )

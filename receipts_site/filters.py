"""API list filters that refuse what the schema does not allow, instead of ignoring it."""

import django_filters


class StrictFilterSet(django_filters.FilterSet):
    """A filter with a fixed kind of value (a status, a date, a yes or no) given empty is refused
    with 400, as the schema says; django-filter alone would ignore it and list everything."""

    def is_valid(self):
        valid = super().is_valid()
        for name, field in self.filters.items():
            if not isinstance(field, django_filters.CharFilter) and self.data.get(name, None) == "":
                self.form.add_error(name, "Give a value, or leave this filter out.")
                valid = False
        return valid

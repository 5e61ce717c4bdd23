"""API list filters and pages that refuse what the schema does not allow, instead of ignoring it."""

import django_filters
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


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


class StrictPageNumberPagination(PageNumberPagination):
    """`?page=` must be a whole number from 1, as the schema says; DRF alone reads a blank as 1."""

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.isdigit():
            raise ValidationError({self.page_query_param: ["A page is a whole number from 1."]})
        return super().get_page_number(request, paginator)

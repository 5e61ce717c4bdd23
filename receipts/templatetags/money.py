from django import template

from receipts.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ receipt.total|money:receipt.currency }}: the amount with its currency's minor units."""
    return format_money(amount, currency)

from rest_framework import serializers

from orgdesign.api import fields


def related_field(queryset, what, **kwargs):
    """A primary-key field whose error for an unknown id names the kind of object."""
    return fields.PrimaryKeyRelatedField(
        queryset=queryset,
        error_messages={
            "does_not_exist": f"There is no {what} with id {{pk_value}}.",
            "incorrect_type": f"Expected the id of a {what} (a whole number), got {{data_type}}.",
        },
        **kwargs,
    )


class RowSerializer(serializers.Serializer):
    """Fields every resource's representation has."""

    id = serializers.IntegerField(read_only=True, help_text="Identifier, stable for the object's life.")
    revision = serializers.IntegerField(
        read_only=True, help_text='Grows by one on every change; the ETag is `"<id>.<revision>"`.'
    )
    created = serializers.DateTimeField(read_only=True, help_text="When the object was created.")
    updated = serializers.DateTimeField(read_only=True, help_text="When the object last changed.")

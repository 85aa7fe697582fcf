"""Serializer fields that take only the JSON type the schema names.

DRF is lenient: it turns `0` into the text "0", `"yes"` or `1` into true, and `"12"` into the
number 12. A client sending the wrong type has a bug, and the schema says which type each field
takes, so a request body with another type is refused with a 400 naming the field. (Query
parameters are text by nature and keep DRF's parsing.) Decimals are strings, as the API writes
them: "92.5", not 92.5, so no digit is lost to floating point on the way.
"""

from rest_framework import serializers

from orgdesign.text import MULTI_LINE_TEXT, PlainTextValidator


class _Text:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(_Text, serializers.CharField):
    """Text. One built from a model field has that field's validators; any other (a reason, a decision)
    refuses control characters (`orgdesign.text`)."""

    default_error_messages = {"invalid": "Expected text."}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not any(isinstance(v, PlainTextValidator) for v in self.validators):
            self.validators.append(MULTI_LINE_TEXT)


class EmailField(_Text, serializers.EmailField):
    pass


class ChoiceField(_Text, serializers.ChoiceField):
    default_error_messages = {"invalid": "Expected text, one of the choices."}


class DecimalField(_Text, serializers.DecimalField):
    default_error_messages = {"invalid": 'Expected a number written as text, like "92.5".'}


class BooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Expected true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class IntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Expected a whole number."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class ManyRelatedField(serializers.ManyRelatedField):
    default_error_messages = {"not_a_list": "Expected a list of ids, got {input_type}."}

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = ManyRelatedField  # DRF's, with a list required (it takes any iterable, even {})
        return field


FIELD_MAPPING = {
    serializers.CharField: CharField,
    serializers.EmailField: EmailField,
    serializers.ChoiceField: ChoiceField,
    serializers.BooleanField: BooleanField,
    serializers.IntegerField: IntegerField,
    serializers.DecimalField: DecimalField,
}


class StrictModelSerializer(serializers.ModelSerializer):
    """A model serializer whose fields take only the JSON type the schema names."""

    serializer_related_field = PrimaryKeyRelatedField

    def build_field(self, field_name, info, model_class, nested_depth):
        field_class, field_kwargs = super().build_field(field_name, info, model_class, nested_depth)
        return FIELD_MAPPING.get(field_class, field_class), field_kwargs

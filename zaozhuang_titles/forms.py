"""Forms of accounts (login, registration) and ``CleanTextMixin``, which every form of the portal uses."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zaozhuang_titles.identifiers import CodeField
from zaozhuang_titles.models import SELF_REGISTERED_ROLES, Role, User, mobile_validator
from zaozhuang_titles.text import CleanTextValidator
from zaozhuang_titles.validators import normalize_id_number, validate_id_number


class CleanTextMixin:
    """Every free-text field of the form refuses control characters and text direction controls, with a
    message naming their positions (``zaozhuang_titles.text``). A field with a Textarea is multi-line
    and may hold tabs and line breaks; a password field is left alone (it is never shown or filed).

    The validators are added when the form is built and again before it is cleaned, so that fields a
    form adds in its own ``__init__`` (a reason per marked item, a recommendation per nominee) have them
    too. Put the mixin first among a form's bases; ``tests/test_free_text.py`` fails on a form of the
    project (admin included) that lacks it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_clean_text_validators()

    def add_clean_text_validators(self):
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            if not any(isinstance(validator, CleanTextValidator) for validator in field.validators):
                # Form fields are deep-copied per form instance: this adds to this form's field only.
                field.validators.append(CleanTextValidator(multiline=isinstance(field.widget, forms.Textarea)))

    def full_clean(self):
        self.add_clean_text_validators()
        super().full_clean()


class LoginForm(CleanTextMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username or mobile number and the password do not match. Both are case-sensitive; "
            "after 5 failures the account is locked for 30 minutes."
        ),
        "inactive": _("This account is disabled. Please contact the city HR bureau."),
    }


class RegistrationForm(CleanTextMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("I am registering as"),
        choices=[(role.value, role.label) for role in SELF_REGISTERED_ROLES],
        widget=forms.RadioSelect,
        initial=Role.APPLICANT,
    )
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    mobile = CodeField(
        label=_("Mobile number"),
        max_length=11,
        validators=[mobile_validator],
        help_text=_("Used to log in and for one-time codes."),
    )
    email = forms.EmailField(label=_("Email"), help_text=_("Used to reset a forgotten password and for notices."))
    id_number = CodeField(
        label=_("ID number"),
        max_length=18,
        required=False,
        help_text=_("Required for applicants: the 18-character 居民身份证号码."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_real_name(self):
        return self.cleaned_data["real_name"].strip()

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists():
            raise forms.ValidationError(
                _("This mobile number is already registered. Log in with it, or reset the password if you forgot it.")
            )
        return mobile

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if not value:
            return ""
        validate_id_number(value)
        if User.objects.filter(id_number=value).exists():
            raise forms.ValidationError(
                _("This ID number is already registered. Each person has one account; log in with it instead.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.APPLICANT and not cleaned.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", _("Applicants must give their ID number."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(
                username=cleaned.get("mobile") or "",
                real_name=cleaned.get("real_name") or "",
                email=cleaned.get("email") or "",
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def add_errors(form, error):
    """Put a service's ValidationError on the form: on the field it names, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class StaffDigestForm(CleanTextMixin, forms.Form):
    """A staff member's own switch of the daily digest (每日待办提醒)."""

    staff_digest = forms.BooleanField(label=_("Send me the daily digest"), required=False)

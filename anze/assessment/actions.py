"""The one shape of a page's write: a form's data goes to a service; a refusal is shown (next to the field it
names, or at the top), success is said and the page moves on. Views call these instead of repeating it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from anze.assessment import errors


def submitted(
    request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], success: str
) -> bool:
    """On a POST with a valid form, run `action(cleaned_data)`; True when it succeeded (the view redirects),
    False when the page is shown again with the form's errors (nothing was saved)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except errors.AssessmentError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message_zh)
        return False
    messages.success(request, success)
    return True


def posted(
    request: HttpRequest, action: Callable[[], Any], success: str, back: Any, *, to_result: bool = False
) -> HttpResponse:
    """A button's POST: run `action()`, say how it went, and go `back` (to what `action` returned instead,
    when it succeeded and `to_result`)."""
    try:
        result = action()
    except errors.AssessmentError as exc:
        messages.error(request, exc.message_zh)
        return redirect(back)
    messages.success(request, success)
    return redirect(result if to_result else back)

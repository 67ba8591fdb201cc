from __future__ import annotations

from django import forms

from hub.forum.services import MAX_POST_CHARS, MAX_TITLE_CHARS

POST_HELP = (
    "You can use **bold**, _italics_, lists, > quotes, `code` and links. "
    "Mention someone by typing @ and their name."
)


class PostForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        help_text=POST_HELP,
        widget=forms.Textarea(attrs={"rows": 6, "data-mentions": "1"}),
        # The service names the limit; the browser is not asked to cut the text off.
        max_length=MAX_POST_CHARS * 2,
        error_messages={"required": "Write something before you post."},
    )
    quote_of = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ThreadForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE_CHARS,
        error_messages={"required": "Give your thread a title."},
    )
    body = forms.CharField(
        label="Your first post",
        help_text=POST_HELP,
        widget=forms.Textarea(attrs={"rows": 8, "data-mentions": "1"}),
        max_length=MAX_POST_CHARS * 2,
        error_messages={"required": "Write something before you post."},
    )


class EditForm(forms.Form):
    body = forms.CharField(
        label="Your post",
        help_text=POST_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_POST_CHARS * 2,
        error_messages={"required": "Write something before you save."},
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this post?",
        help_text="A moderator will read this. Say briefly why the post should be looked at.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Say what is wrong with this post."},
    )


class PreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label="Send me one email a day about the threads and boards I follow, instead of one email per post",
        required=False,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the forum", max_length=200, required=False)

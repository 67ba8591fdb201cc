"""Forum pages. Every page works without JavaScript; the script adds live updates."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from hub import access
from hub.forum import selectors, services
from hub.forum.forms import EditForm, PostForm, PreferenceForm, ReportForm, SearchForm, ThreadForm
from hub.forum.models import POSTS_PER_PAGE, Board, Post, Preference, Report, Thread
from hub.views import _apply_errors

THREADS_PER_PAGE = 30


@access.require(access.forum_rule)
def index(request):
    boards = selectors.readable_boards(request.user)
    return render(request, "forum/index.html", {"boards": boards, "search_form": SearchForm()})


@access.require(access.may_read_forum_board)
def board_detail(request, board_id: int):
    board = get_object_or_404(Board.objects.select_related("organisation"), pk=board_id)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(user=request.user, board=board, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your thread is posted.")
            return redirect(thread)
    page = Paginator(selectors.threads_for_board(board=board, user=request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for thread in page:
        thread.unread = selectors.is_unread(thread)
    return render(
        request,
        "forum/board.html",
        {
            "board": board,
            "page": page,
            "form": form,
            "following": selectors.is_following(user=request.user, board=board),
            # The board's newest post, not this page's: a later page must not take
            # the first page's threads for activity it missed.
            "last_post_id": selectors.board_last_post_id(board),
        },
        status=400 if form.errors else 200,
    )


@access.require(access.may_read_forum_thread)
def thread_detail(request, thread_id: int):
    thread = _thread(request, thread_id)
    user = request.user
    paginator = Paginator(selectors.posts_for_thread(thread=thread, user=user), POSTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    posts = list(page)
    read_upto = selectors.read_upto(user=user, thread=thread)
    if posts and posts[-1].pk > read_upto:
        services.thread_mark_read(user=user, thread=thread, post_id=posts[-1].pk)
    quote_id = _post_number(request.GET.get("quote"))
    quote = selectors.quotable_post(thread=thread, post_id=quote_id, loaded=posts) if quote_id else None
    form = PostForm(initial={"quote_of": quote.pk if quote else None})
    return render(
        request, "forum/thread.html", _thread_context(request, thread, page, posts, read_upto, form, quote)
    )


def _post_number(raw: str | None) -> int | None:
    """A post number typed in a query string, or None for anything else (an empty
    value, words, a superscript "²", which isdigit() would let through)."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _thread_context(request, thread, page, posts, read_upto, form, quote):
    user = request.user
    return {
        "thread": thread,
        "board": thread.board,
        "page": page,
        "posts": posts,
        "read_upto": read_upto,
        "form": form,
        "quote": quote,
        "is_moderator": access.can_moderate_forum(user),
        "can_post": access.can_post_in_forum_thread(user, thread),
        "following": selectors.is_following(user=user, thread=thread),
        "live": not page.has_next(),
        "last_post_id": posts[-1].pk if posts else 0,
        "first_post_id": posts[0].pk if posts and page.number > 1 else 0,
        "since": selectors.change_mark(),
        "reading": selectors.presence_count(thread.group_name),
    }


@access.require(access.may_read_forum_thread)
@require_POST
def thread_reply(request, thread_id: int):
    thread = _thread(request, thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        quote_id = form.cleaned_data.get("quote_of")
        quote = selectors.quotable_post(thread=thread, post_id=quote_id) if quote_id else None
        try:
            post = services.post_create(
                user=request.user, thread=thread, body=form.cleaned_data["body"], quote_of=quote
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"post": selectors.post_json(post)}, status=201)
            return redirect(selectors.post_url(post, user=request.user))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    posts_qs = selectors.posts_for_thread(thread=thread, user=request.user)
    page = Paginator(posts_qs, POSTS_PER_PAGE).get_page(10**6)
    posts = list(page)
    ctx = _thread_context(
        request, thread, page, posts, selectors.read_upto(user=request.user, thread=thread), form, None
    )
    return render(request, "forum/thread.html", ctx, status=400)


def _thread(request, thread_id: int) -> Thread:
    """The thread with its board, as the access rule loaded it."""
    thread = access.request_object(request, Thread.objects.select_related("board"), thread_id)
    if thread is None:
        raise Http404("No such thread.")
    return thread


@access.require(access.may_read_forum_thread)
@require_GET
def thread_posts_json(request, thread_id: int):
    """What a page missed while offline: every visible post after `?after=<post id>`,
    and the posts changed after `?since=<time>` (the `since` of the page or of the
    last answer), hidden ones as ids to take off the page."""
    thread = _thread(request, thread_id)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return JsonResponse({"error": "after must be a post number"}, status=400)
    since = _time(request.GET.get("since"))
    if since is False:
        return JsonResponse({"error": "since must be a time with its UTC offset"}, status=400)
    mark = selectors.change_mark()
    missed = selectors.posts_missed(thread=thread, user=request.user, after=after, since=since)
    return JsonResponse(
        {"posts": selectors.posts_json(missed.posts), "hidden": missed.hidden, "since": mark.isoformat()}
    )


def _time(raw: str | None) -> dt.datetime | None | Literal[False]:
    """A time given in a query string: None when there is none, False when it is not a
    time with its offset from UTC."""
    if not raw:
        return None
    try:
        when = parse_datetime(raw)
    except ValueError:
        return False
    return when if when is not None and timezone.is_aware(when) else False


@access.require(access.may_read_forum_board)
@require_GET
def board_threads_json(request, board_id: int):
    board = get_object_or_404(Board, pk=board_id)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return JsonResponse({"error": "after must be a post number"}, status=400)
    return JsonResponse({"threads": selectors.threads_after(board=board, after=after)})


@access.require(access.may_read_forum_board)
@require_GET
def mention_people(request, board_id: int):
    board = get_object_or_404(Board, pk=board_id)
    return JsonResponse({"people": selectors.mention_candidates(board=board, query=request.GET.get("q", ""))})


@access.require(access.may_read_forum_post)
def post_edit(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("thread__board"), pk=post_id)
    if not access.can_edit_forum_post(request.user, post):
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(user=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your post is saved.")
            return redirect(selectors.post_url(post, user=request.user))
    return render(
        request, "forum/post_edit.html", {"post": post, "form": form}, status=400 if form.errors else 200
    )


@access.require(access.may_remove_forum_post)
def post_remove(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("thread__board"), pk=post_id)
    if request.method == "POST":
        services.post_remove(user=request.user, post=post)
        messages.success(request, "Your post is removed.")
        return redirect(selectors.post_url(post, user=request.user))
    return render(request, "forum/post_remove.html", {"post": post})


@access.require(access.may_read_forum_post)
def post_report(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("thread__board", "author"), pk=post_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(user=request.user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Thank you. A moderator will look at this post.")
            return redirect(selectors.post_url(post, user=request.user))
    return render(
        request, "forum/post_report.html", {"post": post, "form": form}, status=400 if form.errors else 200
    )


@access.require(access.may_moderate_forum)
@require_POST
def post_moderate(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("thread__board"), pk=post_id)
    action = request.POST.get("action")
    if action == "hide":
        services.post_hide(moderator=request.user, post=post, note=request.POST.get("note", ""))
        messages.success(request, "The post is hidden.")
    elif action == "restore":
        services.post_restore(moderator=request.user, post=post)
        messages.success(request, "The post is shown again.")
    else:
        raise PermissionDenied
    return redirect(
        request.POST.get("next")
        if request.POST.get("next") == reverse("forum_reports")
        else selectors.post_url(post, user=request.user)
    )


@access.require(access.may_moderate_forum)
@require_POST
def thread_moderate(request, thread_id: int):
    thread = _thread(request, thread_id)
    flags = {
        "lock": {"locked": True},
        "unlock": {"locked": False},
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
    }.get(request.POST.get("action", ""))
    if flags is None:
        raise PermissionDenied
    services.thread_set_flags(moderator=request.user, thread=thread, **flags)
    messages.success(request, "The thread is updated.")
    return redirect(thread)


@access.require(access.may_read_forum_thread)
@require_POST
def thread_follow(request, thread_id: int):
    thread = _thread(request, thread_id)
    following = request.POST.get("follow") == "1"
    services.follow_set(user=request.user, thread=thread, following=following)
    messages.success(
        request, "You are following this thread." if following else "You no longer follow this thread."
    )
    return redirect(thread)


@access.require(access.may_read_forum_board)
@require_POST
def board_follow(request, board_id: int):
    board = get_object_or_404(Board, pk=board_id)
    following = request.POST.get("follow") == "1"
    services.follow_set(user=request.user, board=board, following=following)
    messages.success(
        request, "You are following this board." if following else "You no longer follow this board."
    )
    return redirect(board)


@access.require(access.may_moderate_forum)
def reports(request):
    if request.method == "POST":
        report = get_object_or_404(Report, pk=request.POST.get("report"))
        services.report_dismiss(moderator=request.user, report=report)
        messages.success(request, "The report is closed; the post is unchanged.")
        return redirect("forum_reports")
    return render(request, "forum/reports.html", {"reports": selectors.open_reports()})


@access.require(access.may_moderate_forum)
def moderation_log(request):
    page = Paginator(selectors.moderation_log(), 50).get_page(request.GET.get("page"))
    return render(request, "forum/moderation_log.html", {"page": page})


@access.require(access.forum_rule)
def search(request):
    form = SearchForm(request.GET or None)
    results = selectors.search(user=request.user, query=form.data.get("q", "")) if form.is_bound else []
    return render(
        request, "forum/search.html", {"form": form, "results": results, "query": form.data.get("q", "")}
    )


@access.require(access.forum_rule)
def preferences(request):
    pref = Preference.objects.filter(user=request.user).first()
    form = PreferenceForm(request.POST or None, initial={"daily_digest": bool(pref and pref.daily_digest)})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(request, "Your forum email settings are saved.")
        return redirect("forum_preferences")
    return render(request, "forum/preferences.html", {"form": form})

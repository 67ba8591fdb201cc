"""Reads of the champions app."""

from __future__ import annotations


def is_champion(user) -> bool:
    return False

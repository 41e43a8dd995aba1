"""Tk views (ttkbootstrap). Views are thin; presenters hold the logic."""

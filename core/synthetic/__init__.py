"""core.synthetic"""

"""core.annotations"""

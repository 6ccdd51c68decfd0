"""core.distillation"""

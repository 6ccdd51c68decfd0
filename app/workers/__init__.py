"""Worker threads: core job generators run off the GUI thread, results come back as signals."""
from app.workers.job_worker import JobRunner
from app.workers.frame_fetcher import FrameFetcher

__all__ = ["FrameFetcher", "JobRunner"]

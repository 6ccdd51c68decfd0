"""Worker threads: core job generators run off the GUI thread, results come back as signals."""
from app.workers.frame_fetcher import FrameFetcher
from app.workers.job_worker import JobRunner

__all__ = ["FrameFetcher", "JobRunner"]

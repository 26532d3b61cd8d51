from pathlib import Path

import pytest

pytest_plugins = ["postgres_server"]  # a throwaway PostgreSQL server for the store tests

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "samples" / "jpost-2023-09-17-arouri-pflp.txt"


@pytest.fixture(scope="session")
def shared_sample() -> Path:
    if not SAMPLE.exists():
        pytest.skip(f"shared sample not present at {SAMPLE}")
    return SAMPLE


@pytest.fixture(scope="session")
def example_article() -> Path:
    return ROOT / "examples" / "ministers-meet-amman.txt"

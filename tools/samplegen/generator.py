"""The generator's former entry point, kept so that ``python -m tools.samplegen.generator`` still works."""

from tools.samplegen import main, write_sample_org

__all__ = ["main", "write_sample_org"]

if __name__ == "__main__":
    main()

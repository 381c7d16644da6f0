"""xxgk: China's government information-disclosure annual reports as open data.

The pipeline, one package per stage: ingest → parse → check → package → aggregate → site.
"""

__version__ = "0.1.0"

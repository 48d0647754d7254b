"""lianfang (廉防): integrity-risk prevention and control workbooks."""

__version__ = "0.1.0"

"""The 公示 version of the units' work: public pages without personal data (``lianfang publish``)."""

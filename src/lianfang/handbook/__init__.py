"""The 廉政风险防控管理工作手册: every unit's workbook compiled into Markdown and Excel (附件1 四).

``config`` reads handbook.yaml, ``build`` runs a build, ``context`` turns workbooks into what the
handbook shows, ``markdown`` and ``excel`` write it, ``charts`` draws the flows, ``project``
scaffolds a new handbook folder.
"""

"""The report workbook, one module per part: ``cells`` (styles and the one cell writer),
``cover``, ``tables`` (breakdown sheets), ``charts``, ``detail`` (one row per procedure),
``publish`` (temporary file, then a name that never replaces a file) and ``workbook``
(the whole file, with the streamed detail and data sheets)."""

/*
 * xlsx.h - answering a request with an Excel workbook (libxlsxwriter):
 * one sheet with a bold title line, a header row of Chinese column names,
 * then the rows, the header frozen.  Every back-office export (the
 * deadline statistics, the operation and login logs, the lists) goes
 * through xlsx_send, so the workbooks look alike.
 *
 * Invariants: the workbook is written to a private temporary file
 * (mkstemp) that is unlinked before the response is sent; cells take
 * values as they are (strings, numbers), never formulas.
 */
#ifndef ZHIFA_XLSX_H
#define ZHIFA_XLSX_H
#include "http/http.h"
#include <jansson.h>

enum xlsx_fmt { XLSX_TEXT = 0, XLSX_NUMBER, XLSX_PERCENT };

struct xlsx_col {
	const char *title;   /* Chinese column name */
	double width;        /* in characters; 0 = 14 */
	enum xlsx_fmt fmt;
};

/* Send a workbook: sheet name, heading (the first line), the columns, and
 * rows (a JSON array of arrays: strings and numbers; null or a missing
 * cell is left empty; a string in a number column is written as text).
 * filename: the Chinese file name (with .xlsx), ascii_name: its ASCII
 * fallback for old clients.  On failure answers 500 in Chinese.  Returns 0. */
int xlsx_send(struct req *r, const char *sheet, const char *heading, const struct xlsx_col *cols, size_t ncols,
	      const json_t *rows, const char *filename, const char *ascii_name);
#endif

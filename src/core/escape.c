/*
 * escape.c - the HTML/XML text escaper shared by the pages and the
 * flowchart (see escape.h).
 */
#include "core/core.h"
#include "core/escape.h"

void esc_markup(struct buf *out, const char *s, size_t n, unsigned flags)
{
	size_t start = 0, i;
	for (i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '`': rep = "&#96;"; break;
		default:
			if (!(flags & ESC_XML) || ((unsigned char)s[i] >= 0x20 || s[i] == '\t'))
				continue;
			if (s[i] == '\0')
				goto end;
			/* control characters are not allowed in XML 1.0 */
			rep = " ";
		}
		buf_add(out, s + start, i - start);
		buf_puts(out, rep);
		start = i + 1;
	}
end:
	buf_add(out, s + start, i - start);
}

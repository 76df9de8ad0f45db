/* qr.c - QR code to SVG (see qr.h).  One path of unit squares. */
#include "core/core.h"
#include "http/qr.h"
#include <qrencode.h>

int qr_svg(const char *text, struct buf *out)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		return -1;
	int w = q->width, quiet = 4, size = w + 2 * quiet;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			"shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"二维码\">"
			"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				buf_printf(out, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	buf_puts(out, "\"/></svg>\n");
	QRcode_free(q);
	return 0;
}

/*
 * qr.h - QR codes (libqrencode) drawn as SVG, for credential links that
 * are printed on certificates and shown on screen.
 */
#ifndef ZHIFA_QR_H
#define ZHIFA_QR_H
#include "core/core.h"

/* Append an SVG of the QR code for text (error correction M, 4-module
 * quiet zone) to out; -1 if the text cannot be encoded. */
int qr_svg(const char *text, struct buf *out);
#endif

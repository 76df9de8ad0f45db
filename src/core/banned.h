/*
 * banned.h - functions that must not be used in zhifa.
 *
 * Each is either unbounded (sprintf, strcpy, strcat), not thread safe
 * (strtok, gmtime, localtime) or silently wrong on bad input (atoi).
 * Included last by every source file through core/core.h.
 */
#ifndef ZHIFA_BANNED_H
#define ZHIFA_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef atoi
#define atoi(s) BANNED(atoi)
#undef atol
#define atol(s) BANNED(atol)
#undef gets
#define gets(s) BANNED(gets)

#endif

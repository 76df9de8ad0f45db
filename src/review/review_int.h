/*
 * review_int.h - what the catalogue (catalogue.c) and the classification
 * (classify.c) share: the procedures and party kinds a rule may name, and
 * two look-ups.
 */
#ifndef ZHIFA_REVIEW_INT_H
#define ZHIFA_REVIEW_INT_H
#include "core/core.h"
#include <jansson.h>

#define RV_N_PROCEDURES 3
#define RV_N_PARTY_KINDS 3
extern const char *const rv_procedures[RV_N_PROCEDURES];   /* penalty licence coercion */
extern const char *const rv_party_kinds[RV_N_PARTY_KINDS]; /* person org individual_business */
/* Whether s is one of the n strings of list (s may be NULL). */
bool rv_one_of(const char *s, const char *const *list, size_t n);
/* Whether the JSON array arr holds the string s. */
bool rv_has_string(const json_t *arr, const char *s);
#endif

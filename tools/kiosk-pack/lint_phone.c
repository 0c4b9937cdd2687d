/* lint_phone.c — phone numbers in running text (lint_phone.h).
 *
 * What looks like a number to call: an international number (+ and at
 * least 7 digits); a long run of digits in groups that is not a count
 * written with thousands separators ("8 800 080 8000", but not "76 698" or
 * "1 234 567"); a short number of 3 to 6 digits right after a word such as
 * "hotline", "телефон" or "горячая линия". Dates and years are not. Front
 * matter, kiosk blocks and code are skipped: numbers there are where they
 * belong. */
#include "kiosk-pack/lint_phone.h"
#include "kiosk-pack/lint.h"

#include "core/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_GROUPS 8

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Words that announce a number to call, in the region's languages. Matched
 * in the 40 bytes before the number; ASCII case is ignored. */
static const char *const call_words[] = {
    "hotline", "phone", "call",  "tel",  "dial",  "горяч",   "линия",  "линии", "телефон",
    "звон",    "номер", "жедел", "ысык", "ишонч", "ishonch", "боварӣ", "ynam",
};

static int announced(const char *before, size_t nb)
{
  size_t from = nb > 40 ? nb - 40 : 0;
  char low[48];
  size_t k = 0;
  for (size_t i = from; i < nb && k < sizeof low - 1; i++)
    low[k++] = (char)tolower((unsigned char)before[i]);
  low[k] = '\0';
  for (size_t i = 0; i < sizeof call_words / sizeof *call_words; i++)
    if (strstr(low, call_words[i]))
      return 1;
  /* Capitalised Cyrillic forms at the start of a sentence. */
  return strstr(low, "Горяч") || strstr(low, "Телефон") || strstr(low, "Номер") ||
      strstr(low, "Звон");
}

int lint_phone_at(const char *before, size_t nb, const char *s, size_t n, size_t *used)
{
  *used = 0;
  if (nb > 0) {
    unsigned char p = (unsigned char)before[nb - 1];
    if (isalnum(p) || strchr("/._-:=#&?%@", p) || p >= 0x80)
      return 0;
  }
  size_t i = 0;
  int plus = 0, seps_other = 0;
  if (i < n && s[i] == '+') {
    plus = 1;
    i++;
  }
  size_t groups[MAX_GROUPS];
  size_t n_groups = 0, digits = 0, last_digit = 0;
  while (i < n) {
    if (is_digit(s[i])) {
      size_t k = 0;
      while (i < n && is_digit(s[i]))
        i++, k++;
      if (n_groups < MAX_GROUPS)
        groups[n_groups] = k;
      n_groups++;
      digits += k;
      last_digit = i;
      continue;
    }
    /* A separator must be followed by a digit (or an opening bracket). */
    size_t w = 0;
    if (s[i] == ' ' || s[i] == '-' || s[i] == '.' || s[i] == '(' || s[i] == ')')
      w = 1;
    else if (n - i >= 2 && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
      w = 2;
    if (!w || i + w >= n)
      break;
    char next = s[i + w];
    if (!is_digit(next) && !(next == '(' && s[i] == ' ') && !(s[i] == ')' && next == ' '))
      break;
    if (s[i] != ' ' && w == 1)
      seps_other = 1;
    i += w;
  }
  if (!digits || digits > 15 || n_groups > MAX_GROUPS)
    return 0;
  /* Glued to a word ("2020-year", "5th") is not a number to call. */
  /* (Cyrillic and Arabic letters are two bytes led by 0xD0 to 0xDB.) */
  if (last_digit < n &&
      (isalpha((unsigned char)s[last_digit]) ||
       ((unsigned char)s[last_digit] >= 0xD0 && (unsigned char)s[last_digit] <= 0xDB)))
    return 0;
  *used = last_digit;
  if (plus)
    return digits >= 7;
  /* Dates: 10.07.2020, 2020-07-10, 10.07.20. */
  if (seps_other && n_groups == 3 &&
      ((groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2)) ||
       (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2)))
    return 0;
  /* A count with thousands separators: 1 234 567, 76 698. */
  int thousands = !seps_other && s[0] != '0' && groups[0] <= 3 && n_groups > 1;
  for (size_t g = 1; thousands && g < n_groups; g++)
    thousands = groups[g] == 3;
  if (thousands)
    return digits >= 3 && digits <= 6 && announced(before, nb);
  if (digits >= 7)
    return 1;
  if (digits < 3)
    return 0;
  /* A year is not a hotline. */
  if (n_groups == 1 && digits == 4 && (!strncmp(s, "19", 2) || !strncmp(s, "20", 2)))
    return 0;
  return announced(before, nb);
}

/* Steps the link state over s[k] (a link target "](...)" is never a
 * number) and says whether a number may start there. */
static int may_start(const char *s, size_t k, int *in_link)
{
  if (s[k] == '(' && k > 0 && s[k - 1] == ']')
    *in_link = 1;
  else if (s[k] == ')' && *in_link)
    *in_link = 0;
  return !*in_link && (is_digit(s[k]) || s[k] == '+' || s[k] == '(');
}

int lint_phone_next(const char *s, size_t n, size_t *at, size_t *start, size_t *len)
{
  size_t line = 0;
  for (size_t k = 0; k < *at && k < n; k++)
    if (s[k] == '\n')
      line = k + 1;
  int in_link = 0;
  for (size_t k = *at; k < n; k++) {
    if (s[k] == '\n') {
      line = k + 1;
      in_link = 0;
      continue;
    }
    if (!may_start(s, k, &in_link))
      continue;
    const char *e = memchr(s + k, '\n', n - k);
    size_t end = e ? (size_t)(e - s) : n, used;
    if (lint_phone_at(s + line, k - line, s + k, end - k, &used)) {
      *start = k;
      *len = used;
      *at = k + used;
      return 1;
    }
    size_t skip = 0;
    while (k + skip < n && (is_digit(s[k + skip]) || s[k + skip] == '+'))
      skip++;
    if (skip)
      k += skip - 1;
  }
  *at = n;
  return 0;
}

static int fence(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && i < 3 && s[i] == ' ')
    i++;
  return n - i >= 3 && (!strncmp(s + i, "```", 3) || !strncmp(s + i, "~~~", 3));
}

/* Whether the number appears in one of the page's fenced blocks: it is
 * already a hotline (or contact, or QR code) there. */
static int in_a_block(const char *text, size_t len, const char *num, size_t n)
{
  int in_fence = 0;
  size_t i = 0, start = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    if (fence(text + i, e - i)) {
      for (size_t k = start; in_fence && k + n <= i; k++)
        if (!memcmp(text + k, num, n))
          return 1;
      in_fence = !in_fence;
      start = nl ? e + 1 : len;
    }
    i = nl ? e + 1 : len;
  }
  return 0;
}

int lint_phone_check(const char *src, const char *rel, const char *text, size_t len,
                     struct lint_report *r)
{
  int line = 1, in_fence = 0, in_front = 0;
  size_t i = 0;
  if (len >= 3 && !strncmp(text, "---", 3))
    in_front = 1;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    const char *s = text + i;
    size_t n = e - i;
    if (in_front) {
      if (line > 1 && n >= 3 && !strncmp(s, "---", 3))
        in_front = 0;
    } else if (fence(s, n)) {
      in_fence = !in_fence;
    } else if (!in_fence) {
      int in_link = 0;
      const char *prev = NULL; /* the number last reported on this line */
      size_t prev_len = 0;
      for (size_t k = 0; k < n; k++) {
        if (!may_start(s, k, &in_link))
          continue;
        size_t used;
        if (lint_phone_at(s, k, s + k, n - k, &used) && !in_a_block(text, len, s + k, used) &&
            !(prev_len == used && !memcmp(prev, s + k, used))) {
          prev = s + k;
          prev_len = used;
          char file[4400];
          snprintf(file, sizeof file, "%s/%s", src, rel);
          if (lint_report_add(r, LINT_WARNING, file, line,
                              "«%.*s» looks like a phone number — if people should call it, "
                              "put it in a ```hotlines block (country | number | channel), "
                              "where the kiosk shows it large; if it is not a phone number, "
                              "leave it as it is",
                              (int)used, s + k) != 0)
            return KERR_NOMEM;
        }
        /* Go past the whole number (or the run of digits) either way. */
        size_t skip = used;
        if (!skip)
          while (k + skip < n && (is_digit(s[k + skip]) || s[k + skip] == '+'))
            skip++;
        if (skip)
          k += skip - 1;
      }
    }
    i = nl ? e + 1 : len;
    line++;
  }
  return 0;
}

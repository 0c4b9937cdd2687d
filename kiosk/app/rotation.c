/* rotation.c — see rotation.h. */
#include "app/rotation.h"

#include <stdio.h>
#include <string.h>

size_t rotation_entry(const struct content *c, size_t slot)
{
  return c->n_slots ? c->slots[slot % c->n_slots].entry : (size_t)-1;
}

int rotation_duration_ms(const struct content *c, size_t slot, int page_ms)
{
  if (c->n_slots && c->slots[slot % c->n_slots].duration_s > 0)
    return c->slots[slot % c->n_slots].duration_s * 1000;
  return page_ms;
}

int rotation_slot_in(const struct content *c, size_t slot, const char *lang)
{
  if (!lang || !*lang || !c->n_slots)
    return 1;
  const struct deck_entry *en = deck_get(c->deck, rotation_entry(c, slot));
  return en && !strcmp(en->lang, lang);
}

struct rotation_pos rotation_next(const struct content *c, struct rotation_pos p, int n_parts,
                                  const char *lang)
{
  if (p.part + 1 < n_parts)
    return (struct rotation_pos){p.slot, p.part + 1};
  size_t n = c->n_slots;
  size_t slot = p.slot;
  for (size_t i = 0; i < n; i++) {
    slot = (slot + 1) % n;
    if (rotation_slot_in(c, slot, lang))
      return (struct rotation_pos){slot, 0};
  }
  return (struct rotation_pos){n ? (p.slot + 1) % n : 0, 0};
}

struct rotation_pos rotation_prev(const struct content *c, struct rotation_pos p, const char *lang)
{
  if (p.part > 0)
    return (struct rotation_pos){p.slot, p.part - 1};
  size_t n = c->n_slots;
  size_t slot = p.slot;
  for (size_t i = 0; i < n; i++) {
    slot = (slot + n - 1) % n;
    if (rotation_slot_in(c, slot, lang))
      return (struct rotation_pos){slot, 0};
  }
  return (struct rotation_pos){n ? (p.slot + n - 1) % n : 0, 0};
}

size_t rotation_langs(const struct content *c, const char **out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < c->n_slots && n < max; i++) {
    const struct deck_entry *en = deck_get(c->deck, c->slots[i].entry);
    if (!en)
      continue;
    int seen = 0;
    for (size_t k = 0; k < n && !seen; k++)
      seen = !strcmp(out[k], en->lang);
    if (!seen)
      out[n++] = en->lang;
  }
  return n;
}

size_t rotation_first_of_pack(const struct content *c, const char *pack_id)
{
  if (!pack_id || !*pack_id)
    return 0;
  /* Installed pages live in <store>/packs/<id>/<version>/. */
  char want[96];
  snprintf(want, sizeof want, "/packs/%s/", pack_id);
  for (size_t k = 0; k < c->n_slots; k++) {
    const struct deck_entry *en = deck_get(c->deck, c->slots[k].entry);
    if (en && en->root && strstr(en->root, want))
      return k;
  }
  return 0;
}

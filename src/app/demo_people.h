/* SPDX-License-Identifier: Apache-2.0 */
/* The people of the demo event (demo.c): where their names come from, the organisations they
 * work for, and the ASCII forms of their names in e-mail addresses. Pure. */
#ifndef PORTIER_DEMO_PEOPLE_H
#define PORTIER_DEMO_PEOPLE_H

#include "demo_rng.h"
#include "event.h"
#include "hashmap.h"

/* An organisation. lang: 'n' Dutch-speaking, 'f' French-speaking, 'b' bilingual (Brussels,
 * federal), 'e' international. Domains are under the reserved .example top-level domain. */
struct demo_org {
    const char *name;
    const char *domain;
    char lang;
};

/* Draws a name not in names yet (tries a few times, then accepts a namesake), adding it to
 * names; stores the name and the matching e-mail local part (both owned by the caller) and the
 * language such a person picks. */
void demo_people_draw(struct demo_rng *r, struct hashmap *names, char **name, char **local,
                      enum language *lang);

/* Picks the organisation of an attendee or speaker, mostly one that works in lang. */
const struct demo_org *demo_people_org(struct demo_rng *r, enum language lang);
/* Picks the newsroom of a member of the press. */
const struct demo_org *demo_people_press_org(struct demo_rng *r);
/* Picks the employer of a member of staff. */
const struct demo_org *demo_people_staff_org(struct demo_rng *r);
/* Returns the organisation or newsroom called name (the first organisation when none is). */
const struct demo_org *demo_people_org_named(const char *name);

#endif

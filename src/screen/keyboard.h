/* SPDX-License-Identifier: Apache-2.0 */
/* The on-screen keyboard of the search screen (issue 15), and the editing of its query, which a
 * physical keyboard (SDL text input) shares. Letters without accents are enough: the search
 * folds accents (lookup.h), so "francoise" finds "Françoise"; a walk-in's name with accents is
 * typed on a physical keyboard. */
#ifndef PORTIER_KEYBOARD_H
#define PORTIER_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "ui_internal.h"

/* Keys that are not characters (a character key's value is its ASCII code). */
#define KEYBOARD_BACKSPACE (-1)
#define KEYBOARD_CLEAR     (-2)

/* Draws the keyboard in box r: digits, three rows of letters (QWERTY), then hyphen,
 * apostrophe, space, clear and backspace; each key a button giving UI_ACTION_SEARCH_KEY with
 * its value. clear_label names the clear key in the screen's language; upper: capital letters
 * (the walk-in form capitalises the start of each word of a name). */
void keyboard_draw(struct ui *ui, struct ui_rect r, const char *clear_label, bool upper);

/* Applies a key to query (a NUL-terminated string in size bytes): a character is appended
 * when it fits, backspace removes the last UTF-8 character, clear empties it. Returns true
 * when query changed. */
bool keyboard_apply(char *query, size_t size, int key);
/* Appends UTF-8 text (a physical keyboard's input) when it fits whole and holds no control
 * character. Returns true when query changed. */
bool keyboard_append(char *query, size_t size, const char *text);

#endif

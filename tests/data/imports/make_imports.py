#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the import test files of tests/integration/test_imports.sh: one small event
(rooms.csv, sessions.csv) and the same people as other systems and spreadsheets write them,
each with the native attendees.csv Portier must make of it (expected_*.csv).

Headers follow the real exports: pretix's "Order data" export, sheet "Order positions"
(pretix/base/exporters/orderlist.py, iterate_positions: name scheme given_family, one
question, no event series), and Eventbrite's "Attendee Summary" report. Run it again after a
change; the files are committed."""
import csv
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))

ROOMS = [("aula", "Aula Magna", "300"), ("room-a", "Zaal A", "40")]
SESSIONS = [
    ("s-aula-am", "aula", "Opening plenary", "2026-04-23T09:00:00+02:00", "2026-04-23T12:00:00+02:00"),
    ("s-a-pm", "room-a", "Workshop: triage", "2026-04-23T13:30:00+02:00", "2026-04-23T15:00:00+02:00"),
]
# given, family, organisation, email, pretix locale, ticket (product, variation)
PEOPLE = [
    ("Françoise", "Dieudonné", "Université de Liège", "f.dieudonne@uliege.example", "fr", ("Conference pass", "Full day")),
    ("Jürgen", "Çelik", "AZ Groeninge", "jurgen.celik@azg.example", "nl-informal", ("Conference pass", "Morning only")),
    ("Zoë", "Van den Broeck", "Janssen; Partners", "zoe@janssen.example", "nl", ("Conference pass", "Full day")),
    ("Søren", "Ørsted", "Rigshospitalet, København", "", "en", ("Workshop", "")),
    ("Renée", "L'Hôte", "€uro Care \"Plus\"", "renee@eurocare.example", "de", ("Conference pass", "Morning only")),
    ("Ngọc Anh", "Nguyễn", "Bệnh viện Chợ Rẫy", "ngoc.anh@choray.example", "en", ("Conference pass", "Full day")),
    ("محمد", "العلي", "مستشفى الملك فهد", "m.alali@kfh.example", "en", ("Workshop", "")),
]
LATIN1 = 5  # the first five fit in Windows-1252
TICKETS = {"Conference pass – Full day": "s-aula-am;s-a-pm", "Conference pass – Morning only": "s-aula-am",
           "Workshop": "s-a-pm"}
EB_TICKETS = {"Full day": "s-aula-am;s-a-pm", "Morning only": "s-aula-am", "Workshop": "s-a-pm"}
NATIVE = ["id", "name", "organisation", "email", "language", "category", "sessions"]


def ticket_key(product, variation):
    return product + (" – " + variation if variation else "")


def lang(locale):
    code = locale.split("-")[0].split("_")[0].lower()
    return code if code in ("nl", "fr", "en") else "en"


def write(name, text, encoding="utf-8", newline="\n"):
    with open(os.path.join(HERE, name), "w", encoding=encoding, newline=newline) as f:
        f.write(text)


def table(rows, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    w.writerows(rows)
    return out.getvalue()


def native_rows(people, ids, langs, emails=None):
    rows = [NATIVE]
    for i, (p, pid, lg) in enumerate(zip(people, ids, langs)):
        email = emails[i] if emails else p[3]
        rows.append([pid, p[0] + " " + p[1], p[2], email, lg, "", TICKETS[ticket_key(*p[5])]])
    return rows


def order_email(p, code):
    """pretix: the attendee's e-mail address, else the order's (the buyer's)."""
    return p[3] or "orders@%s.example" % code.lower()


def main():
    write("rooms.csv", table([("id", "name", "capacity")] + ROOMS))
    write("sessions.csv", table([("id", "room", "title", "start", "end")] + SESSIONS))

    # Spreadsheets: Portier's own columns.
    ids = ["A%04d" % (i + 1) for i in range(len(PEOPLE))]
    langs = [lang(p[4]) for p in PEOPLE]
    native = native_rows(PEOPLE, ids, langs)
    write("expected_native.csv", table(native))
    write("excel_utf8_bom.csv", "\ufeff" + table(native, lineterminator="\r\n"))
    # Excel "Unicode text": UTF-16LE with its byte order mark, tab-separated, CRLF.
    write("excel_unicode.txt", "\ufeff" + table(native, delimiter="\t", lineterminator="\r\n"),
          encoding="utf-16-le", newline="")
    # Excel "CSV" on a Belgian Windows: ';', Windows-1252, CRLF (the Latin-script people only).
    latin = native[:LATIN1 + 1]
    write("expected_latin.csv", table(latin))
    write("excel_belgian.csv", table(latin, delimiter=";", lineterminator="\r\n"),
          encoding="cp1252", newline="")

    # pretix: Order data, sheet "Order positions", UTF-8.
    header = ["Event slug", "Order code", "Position ID", "Status", "Email", "Phone number",
              "Order date", "Order time", "Product", "Variation", "Price", "Tax rate", "Tax rule",
              "Tax value", "Attendee name", "Attendee name: Given name",
              "Attendee name: Family name", "Attendee email", "Company", "Address", "ZIP code",
              "City", "Country", "State", "Voucher", "Pseudonymization ID", "Seat ID",
              "Seat name", "Seat zone", "Seat row", "Seat number", "Order comment",
              "Follow-up date", "Dietary requirements", "Company", "Invoice address name",
              "Invoice address name: Given name", "Invoice address name: Family name",
              "Address", "ZIP code", "City", "Country", "State", "VAT ID", "Sales channel",
              "Order locale", "E-mail address verified", "Payment providers"]
    codes = ["X7K2P", "X7K2P", "LQ9ZD", "B3MTW", "C8RJA", "NN4VE", "QA2HX"]
    positions = [1, 2, 1, 1, 1, 1, 1]

    def pretix_rows(people, statuses):
        rows = [header]
        for i, p in enumerate(people):
            given, family, org, email, locale, (product, variation) = p
            order_mail = order_email(p, codes[i])
            rows.append(["symposium-2026", codes[i], positions[i], statuses[i], order_mail,
                         "", "2026-02-1%d" % i, "10:1%d:00" % i, product, variation,
                         "120.00", "21.00", "VAT", "20.83", given + " " + family, given, family,
                         email, org, "", "", "", "BE", "", "", "PSEUDO%d" % i, "", "", "", "",
                         "", "", "", "None", org, given + " " + family, given, family,
                         "Rue Haute 1", "1000", "Bruxelles", "BE", "", "", "web", locale,
                         "Yes", "Bank transfer"])
        return rows

    paid = ["paid"] * len(PEOPLE)
    rows = pretix_rows(PEOPLE, paid)
    # A cancelled order, which the import skips.
    cancelled = list(rows[1])
    cancelled[1:4] = ["ZZ9CC", 1, "canceled"]
    cancelled[14:17] = ["Cancelled Person", "Cancelled", "Person"]
    rows.append(cancelled)
    # "Order positions – CSV (with commas)": Python's csv with QUOTE_NONNUMERIC (every text
    # quoted, the integer position id not), CRLF, UTF-8 without BOM (pretix/base/exporter.py).
    write("pretix_orders.csv", table(rows, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC))
    pids = ["%s-%d" % (c, n) for c, n in zip(codes, positions)]
    write("expected_pretix.csv", table(native_rows(PEOPLE, pids, langs,
                                                    [order_email(p, c) for p, c in zip(PEOPLE, codes)])))
    # The same export a week later: Jürgen moved to the full day and changed his company;
    # one new order; pretix's CSV with semicolons.
    later = [list(p) for p in PEOPLE]
    later[1][2] = "AZ Delta"
    later[1][5] = ("Conference pass", "Full day")
    later.append(("Anaïs", "Peeters", "UZ Gent", "anais@uzgent.example", "nl", ("Workshop", "")))
    codes.append("RT5YU")
    positions.append(1)
    rows = pretix_rows([tuple(p) for p in later], paid + ["paid"])
    # "Order positions – CSV (with semicolons)": the excel dialect with ';'.
    write("pretix_orders_later.csv", table(rows, delimiter=";", lineterminator="\r\n"))
    pids.append("RT5YU-1")
    write("expected_pretix_later.csv",
          table(native_rows([tuple(p) for p in later], pids, [lang(p[4]) for p in later],
                            [order_email(p, c) for p, c in zip(later, codes)])))
    write("pretix.map", "# pretix products and variations -> Portier sessions\n"
          "[sessions]\n" + "".join("%s = %s\n" % (k, v.replace(";", "; "))
                                   for k, v in TICKETS.items()))

    # Eventbrite: Attendee Summary report (CSV, UTF-8). Eventbrite has no language column.
    header = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity",
              "Price Tier", "Ticket Type", "Attendee #", "Group", "Order Type", "Currency",
              "Total Paid", "Fees Paid", "Eventbrite Fees", "Eventbrite Payment Processing",
              "Attendee Status", "Job Title", "Company"]
    rows = [header]
    eids = []
    for i, p in enumerate(PEOPLE):
        given, family, org, email, locale, (product, variation) = p
        ticket = variation or product
        aid = str(1402237110 + i)
        eids.append(aid)
        rows.append([str(9088412 + i), "2026-02-1%d 10:1%d:00+01:00" % (i, i), given, family, email,
                     "1", "", ticket, aid, "", "Eventbrite Completed", "EUR", "120.00", "4.50",
                     "3.20", "1.30", "Attending", "Nurse", org])
    rows.append(["9088499", "2026-02-19 09:00:00+01:00", "Refunded", "Person", "r@x.example",
                 "1", "", "Full day", "1402237199", "", "Eventbrite Completed", "EUR", "0.00",
                 "0.00", "0.00", "0.00", "Not Attending", "", ""])
    write("eventbrite_attendees.csv", table(rows))
    eb = [NATIVE]
    for p, aid in zip(PEOPLE, eids):
        eb.append([aid, p[0] + " " + p[1], p[2], p[3], "", "", EB_TICKETS[p[5][1] or p[5][0]]])
    write("expected_eventbrite.csv", table(eb))
    write("eventbrite.map", "[sessions]\n" + "".join("%s = %s\n" % (k, v) for k, v in EB_TICKETS.items()))

    # Anything else, through a map: a CRM export in Dutch, ';' and Windows-1252.
    crm = [["Lidnummer", "Voornaam", "Achternaam", "Organisatie", "E-mail", "Taal", "Pakket"]]
    for i, p in enumerate(PEOPLE[:LATIN1]):
        crm.append(["M-%03d" % (i + 1), p[0], p[1], p[2], p[3], langs[i].upper(), ticket_key(*p[5])])
    write("crm_export.csv", table(crm, delimiter=";", lineterminator="\r\n"), encoding="cp1252",
          newline="")
    write("crm.map", "[import]\nsource = crm\n[columns]\nid = Lidnummer\n"
          "name = Voornaam + Achternaam\norganisation = Organisatie\nemail = E-mail\n"
          "language = Taal\nticket = Pakket\n[sessions]\n"
          + "".join("%s = %s\n" % (k, v) for k, v in TICKETS.items()))
    crm_native = [NATIVE] + [["M-%03d" % (i + 1)] + r[1:] for i, r in enumerate(latin[1:])]
    write("expected_crm.csv", table(crm_native))
    # The same CRM with ids that change when the language does (id = Lidnummer + Taal,
    # source_id = Lidnummer): a later export where Jürgen now speaks French must update him.
    write("crm_ids.map", "[import]\nsource = crm\n[columns]\nid = Lidnummer + Taal\n"
          "source_id = Lidnummer\nname = Voornaam + Achternaam\norganisation = Organisatie\n"
          "email = E-mail\nlanguage = Taal\nticket = Pakket\n[sessions]\n"
          + "".join("%s = %s\n" % (k, v) for k, v in TICKETS.items()))
    crm[2][5] = "FR"
    write("crm_export_later.csv", table(crm, delimiter=";", lineterminator="\r\n"),
          encoding="cp1252", newline="")


main()

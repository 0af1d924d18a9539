/* The demo event (see demo.h): a symposium on digital public services, open data and
 * sustainable cities, in a Brussels conference venue. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "log.h"
#include "util.h"
#include "file.h"

#define MS_PER_DAY  86400000LL
#define MS_PER_HOUR 3600000LL

/* ---- calendar ---------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The date of a day number (inverse of days_from_civil). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day number of the last Sunday of a month. */
static int64_t last_sunday(int y, int m)
{
    int64_t first_next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
    int64_t last = first_next - 1;
    int64_t weekday = ((last % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return last - weekday;
}

/*
 * Brussels keeps CET (+01:00) in winter and CEST (+02:00) from the last Sunday of March to the
 * last Sunday of October, switching at 01:00 UTC (the EU rule since 1996). Computing it here
 * rather than through the C library's TZ keeps this module pure and independent of the host's
 * tz database and of the process's time zone.
 */
static bool brussels_summer_time(int64_t unix_ms)
{
    int y, m, d;
    civil_from_days(unix_ms / MS_PER_DAY, &y, &m, &d);
    int64_t start = last_sunday(y, 3) * MS_PER_DAY + MS_PER_HOUR;
    int64_t end = last_sunday(y, 10) * MS_PER_DAY + MS_PER_HOUR;
    return unix_ms >= start && unix_ms < end;
}

/* Parses "YYYY-MM-DD"; returns false unless it is a real day of 2000..2099. */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    }
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    if (*y < 2000 || *y > 2099 || *m < 1 || *m > 12 || *d < 1)
        return false;
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days_in[*m - 1] + (*m == 2 && *y % 4 == 0 && (*y % 100 != 0 || *y % 400 == 0));
    return *d <= max;
}

void demo_options_init(struct demo_options *opts)
{
    opts->seed = DEMO_DEFAULT_SEED;
    opts->attendees = DEMO_DEFAULT_ATTENDEES;
    snprintf(opts->date, sizeof opts->date, "%s", DEMO_DEFAULT_DATE);
}

bool demo_date_valid(const char *date)
{
    int y, m, d;
    return parse_date(date, &y, &m, &d);
}

void demo_date_at(int64_t unix_ms, char out[DEMO_DATE_LEN])
{
    int64_t local = unix_ms + (brussels_summer_time(unix_ms) ? 2 : 1) * MS_PER_HOUR;
    int64_t day = local >= 0 ? local / MS_PER_DAY : -((-local + MS_PER_DAY - 1) / MS_PER_DAY);
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(out, buf, DEMO_DATE_LEN - 1);
    out[DEMO_DATE_LEN - 1] = '\0';
}

const char *demo_utc_offset(const char *date)
{
    int y, m, d;
    if (!parse_date(date, &y, &m, &d))
        return "+01:00";
    /* 10:00 UTC: after the 01:00 UTC switch, and within the day in Brussels. */
    int64_t t = days_from_civil(y, m, d) * MS_PER_DAY + 10 * MS_PER_HOUR;
    return brussels_summer_time(t) ? "+02:00" : "+01:00";
}

/* ---- the venue and the programme ------------------------------------------------------- */

struct room_def {
    const char *id;
    const char *name;
    int capacity;
};

/* rooms[0] is the plenary hall; the others are the break-out rooms. */
static const struct room_def rooms[] = {
    {"aula", "Aula Magna", 950},
    {"room-2.14", "Room 2.14", 40},
    {"room-2.15", "Room 2.15", 40},
    {"room-1.03", "Room 1.03", 36},
    {"zaal-3", "Zaal 3", 120},
    {"zaal-4", "Zaal 4", 100},
    {"zaal-van-eyck", "Zaal Van Eyck", 80},
    {"salle-horta", "Salle Horta", 60},
    {"salle-magritte", "Salle Magritte", 150},
    {"salle-europe", "Salle Europe", 140},
    {"studio-a", "Studio A, ground floor", 30},
    {"studio-b", "Studio B, ground floor", 30},
    {"atelier-1", "Atelier 1", 50},
    {"agora", "Agora", 130},
    {"room-0.08", "Room 0.08", 70},
};
#define N_BREAKOUT ((int)ARRAY_LEN(rooms) - 1)

/* A break-out session; demand is its relative popularity (about the number of registrations it
 * gets with 900 people), above the room's capacity for the popular ones. */
struct session_def {
    const char *title;
    int demand;
};

/* One per break-out room (rooms[1..]), in the same order. */
static const struct session_def morning[N_BREAKOUT] = {
    {"Generative AI at the counter: chatbots in public services", 72},
    {"Open data in de gemeente: van Excel naar API", 30},
    {"Accessibilité numérique : le WCAG 2.2 dans les services publics", 25},
    {"Het \"once only\"-principe in de praktijk", 95},
    {"eID, itsme and the European Digital Identity Wallet", 70},
    {"Slimme mobiliteit: wat leren we uit de Gentse circulatieplannen?", 60},
    {"La ville à 15 minutes : mythe ou réalité pour Bruxelles ?", 88},
    {"Données ouvertes et transparence budgétaire des communes", 120},
    {"Interoperable Europe Act: what changes for Belgian administrations", 90},
    {"Hands-on: publishing your first dataset on data.gov.be", 45},
    {"Co-design met burgers: methodes en valkuilen", 20},
    {"Cartographier la chaleur urbaine avec des capteurs citoyens", 35},
    {"Digital inclusion: leaving no citizen behind", 80},
    {"Cybersecurity for local governments, on a small budget", 50},
};

static const struct session_def afternoon[N_BREAKOUT] = {
    {"Algoritmes bij de overheid: transparantie en een publiek register", 65},
    {"Linked data for base registries: addresses, buildings, parcels", 30},
    {"Le RGPD et la réutilisation des données publiques", 28},
    {"Klimaatadaptatie in de stad: ontharden, vergroenen, meten", 85},
    {"Digital twins of cities: Brussels, Antwerp and Helsinki compared", 130},
    {"Energiegemeenschappen en open energiedata", 45},
    {"Le guichet numérique unique : retour d'expérience wallon", 50},
    {"Smart city, smart citizens ? La participation numérique à Liège", 95},
    {"Procurement of open source software in the public sector", 70},
    {"Workshop: user research for public services in one hour", 48},
    {"Toegankelijke formulieren bouwen met het Vlaamse designsysteem", 22},
    {"Atelier : visualiser la qualité de l'air avec des données ouvertes", 70},
    {"Data spaces and the EU Data Act: what cities should know", 85},
    {"Low-code bij de overheid: zegen of vloek?", 45},
};

static const char opening_title[] =
    "Opening plenary: digital public services in a changing Europe / Openingsplenaire / "
    "Séance plénière d'ouverture";
static const char closing_title[] =
    "Closing plenary: what we heard today / Slotplenaire / Plénière de clôture";

/*
 * Session numbering used throughout: 0..13 the morning break-outs (room i + 1), 14..27 the
 * afternoon ones, then the opening and the closing plenary. The day (local time):
 *   08:00 doors open    09:00-10:15 opening plenary   10:15 coffee
 *   10:45-12:15 morning break-outs   12:15 lunch and networking
 *   13:30-15:00 afternoon break-outs 15:00 coffee
 *   15:30-16:45 closing plenary      16:45 networking reception
 */
#define SESSION_OPENING (2 * N_BREAKOUT)
#define SESSION_CLOSING (2 * N_BREAKOUT + 1)
#define N_SESSIONS      (2 * N_BREAKOUT + 2)

/* The start and end (local "HH:MM") of a session. */
static void session_times(int s, const char **start, const char **end)
{
    if (s == SESSION_OPENING) {
        *start = "09:00", *end = "10:15";
    } else if (s == SESSION_CLOSING) {
        *start = "15:30", *end = "16:45";
    } else if (s < N_BREAKOUT) {
        *start = "10:45", *end = "12:15";
    } else {
        *start = "13:30", *end = "15:00";
    }
}

/* The room (index into rooms) of a session. */
static int session_room(int s)
{
    if (s >= SESSION_OPENING)
        return 0;
    return s % N_BREAKOUT + 1;
}

/* The id of a session ("s-zaal-3-am"), owned by the caller. */
static char *session_id(int s)
{
    if (s == SESSION_OPENING)
        return xasprintf("s-%s-am", DEMO_PLENARY_ROOM);
    if (s == SESSION_CLOSING)
        return xasprintf("s-%s-pm", DEMO_PLENARY_ROOM);
    return xasprintf("s-%s-%s", rooms[session_room(s)].id, s < N_BREAKOUT ? "am" : "pm");
}

/* The break-out session of a room id in the morning (pm = false) or afternoon slot, or -1. */
static int breakout_of(const char *room_id, bool pm)
{
    for (int r = 1; r < (int)ARRAY_LEN(rooms); r++) {
        if (strcmp(rooms[r].id, room_id) == 0)
            return r - 1 + (pm ? N_BREAKOUT : 0);
    }
    return -1;
}

/* ---- people --------------------------------------------------------------------------- */

/* Where a name comes from: given and family names that go together, the languages such a
 * person picks (percentages nl/fr, the rest en) and how common the origin is (per mille). */
struct name_pool {
    const char *const *given;
    size_t n_given;
    const char *const *family;
    size_t n_family;
    const char *const *given_ascii; /* romanisations for e-mail addresses, or NULL */
    const char *const *family_ascii;
    bool family_first;
    int pct_nl, pct_fr;
    int per_mille;
};

static const char *const flemish_given[] = {
    "Jan",   "Pieter", "Wouter", "Bart",    "Koen",  "Tom",      "Joris",    "Lieven",   "Stijn",
    "Dries", "Sander", "Jens",   "Thomas",  "Arne",  "Maarten",  "Bram",     "Wim",      "Geert",
    "Els",   "Griet",  "An",     "Katrien", "Sofie", "Lotte",    "Ine",      "Marieke",  "Hanne",
    "Eline", "Femke",  "Nele",   "Saskia",  "Joke",  "Anneleen", "Annelies", "Liesbeth", "Ellen",
};
static const char *const flemish_family[] = {
    "Peeters",      "Janssens",   "Maes",      "Jacobs",      "Mertens",        "Willems",
    "Claes",        "Goossens",   "Wouters",   "De Smet",     "Van den Broeck", "Vermeulen",
    "De Vos",       "Van Damme",  "Hermans",   "Verstraeten", "Van de Velde",   "De Clercq",
    "Vandenberghe", "Lambrechts", "Coppens",   "Van Acker",   "Verhaegen",      "Smets",
    "Vlaeminck",    "D'Hondt",    "Van Hoof",  "De Backer",   "Cuypers",        "Bogaerts",
    "Claeys",       "Vercammen",  "Van Hecke", "De Wilde",    "Geerts",         "Vanhoutte",
};
static const char *const walloon_given[] = {
    "Françoise", "Jean-Luc", "Véronique", "Hélène",       "Benoît",  "François", "Amélie",
    "Céline",    "Stéphane", "Geneviève", "Jérôme",       "Noémie",  "Olivier",  "Isabelle",
    "Mathieu",   "Aurélie",  "Chloé",     "Léa",          "Nicolas", "Julien",   "Sébastien",
    "Anaïs",     "Gaëlle",   "Raphaël",   "Thérèse",      "Michèle", "Loïc",     "Zoé",
    "Frédéric",  "Cédric",   "Maïté",     "Marie-Claire",
};
static const char *const walloon_family[] = {
    "Dubois",   "Lambert",   "Dupont",  "Martin",    "Simon",   "Laurent",   "Lefèvre", "Leclercq",
    "Renard",   "Collignon", "Delvaux", "Dieudonné", "Lejeune", "Gérard",    "Noël",    "Denis",
    "Wathelet", "Jadot",     "Piérard", "Massart",   "Lemaire", "Thiry",     "Dethier", "Fontaine",
    "Delcourt", "Boulanger", "Hubert",  "Lecocq",    "Deprez",  "Crèvecœur", "Lhoëst",  "Gilson",
};
static const char *const german_given[] = {
    "Jürgen", "Stefan", "Katharina", "Lukas",     "Anna",   "Matthias",  "Sabine",
    "Jörg",   "Birgit", "Uwe",       "Franziska", "Tobias", "Hannelore", "Björn",
};
static const char *const german_family[] = {
    "Müller", "Schmidt", "Schäfer",  "Weiß",   "Köhler", "Groß",    "Hoffmann",
    "Krüger", "Becker",  "Schröder", "Wagner", "Fuchs",  "Meißner", "Häußler",
};
static const char *const turkish_given[] = {
    "Mehmet", "Ayşe",  "Emre",   "Elif",   "Hakan", "Zeynep", "Burak",
    "Şule",   "Özlem", "Çağlar", "Gökhan", "İlker", "Selin",  "Can",
};
static const char *const turkish_family[] = {
    "Yılmaz", "Kaya",   "Demir", "Şahin", "Çelik", "Yıldız",  "Öztürk",
    "Aydın",  "Arslan", "Doğan", "Kılıç", "Aktaş", "Korkmaz", "Güneş",
};
static const char *const moroccan_given[] = {
    "Mohamed", "Fatima", "Youssef",  "Khadija", "Saïd",  "Nadia", "Hamza",   "Samira", "Karim",
    "Latifa",  "Rachid", "Soufiane", "Imane",   "Ilham", "Bilal", "Yasmina", "Mehdi",  "Zineb",
};
static const char *const moroccan_family[] = {
    "El Amrani",   "Benali",    "El Idrissi", "Bouzid",   "Aït Ouahmane", "Chaoui",
    "El Khattabi", "Ouali",     "Azzouzi",    "Boukhari", "Haddou",       "Lahlou",
    "Bakkali",     "El Ouardi", "Ben Moussa", "Zarouali",
};
static const char *const arabic_given[] = {
    "محمد", "فاطمة", "يوسف", "خديجة", "عمر", "ليلى", "أمين", "سلمى", "كريم", "نور", "حمزة", "مريم",
};
static const char *const arabic_given_ascii[] = {
    "mohamed", "fatima", "youssef", "khadija", "omar",  "leila",
    "amine",   "salma",  "karim",   "nour",    "hamza", "maryam",
};
static const char *const arabic_family[] = {
    "العلوي", "بنعلي",    "الإدريسي", "التازي",  "الفاسي",
    "بوزيد",  "المنصوري", "الحسني",   "الزياني", "الشرقاوي",
};
static const char *const arabic_family_ascii[] = {
    "alaoui", "benali",   "idrissi", "tazi",   "fassi",
    "bouzid", "mansouri", "hassani", "zayani", "cherkaoui",
};
static const char *const vietnamese_given[] = {
    "Văn Minh", "Thị Lan",  "Thu Hà",      "Quốc Bảo", "Minh Châu", "Thanh Hương",
    "Đức Anh",  "Hoài Nam", "Phương Linh", "Gia Huy",  "Bảo Ngọc",  "Tuấn Kiệt",
};
static const char *const vietnamese_family[] = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
};
static const char *const polish_given[] = {
    "Agnieszka", "Krzysztof", "Małgorzata", "Łukasz", "Katarzyna", "Paweł",
    "Magdalena", "Tomasz",    "Joanna",     "Michał", "Zofia",     "Wojciech",
};
static const char *const polish_family[] = {
    "Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur",    "Krawczyk", "Kaczmarek",
    "Zając", "Król",   "Wróbel",    "Pawlak",  "Michalak", "Sikora",   "Baran",
};
static const char *const italian_given[] = {
    "Giulia",   "Marco",  "Francesca", "Alessandro", "Chiara",  "Luca",
    "Federica", "Matteo", "Elena",     "Giovanni",   "Niccolò", "Sofia",
};
static const char *const italian_family[] = {
    "Rossi", "Russo",  "Ferrari", "Esposito", "Bianchi",  "Romano", "Colombo",
    "Ricci", "Marino", "Greco",   "De Luca",  "Lombardi", "Fabbri", "D'Angelo",
};
static const char *const anglo_given[] = {
    "Sarah", "James", "Emma",   "Oliver", "Aoife",  "Siobhán",
    "Liam",  "Niamh", "Rachel", "David",  "Hannah", "Patrick",
};
static const char *const anglo_family[] = {
    "Smith", "O'Brien", "Murphy", "Walsh", "Taylor", "Byrne",
    "Kelly", "Brown",   "Clarke", "Evans", "Hughes", "Doyle",
};
static const char *const iberian_given[] = {
    "Ana", "Javier", "María", "Inês", "João", "Pablo", "Lucía", "Tiago", "Carmen", "Sergio",
};
static const char *const iberian_family[] = {
    "García", "Fernández", "Silva", "Martínez", "Pereira",
    "López",  "Sánchez",   "Costa", "Gómez",    "Rodrigues",
};

#define POOL(g, f, first, nl, fr, pm)                                                              \
    {                                                                                              \
        g, ARRAY_LEN(g), f, ARRAY_LEN(f), NULL, NULL, first, nl, fr, pm                            \
    }

static const struct name_pool pools[] = {
    POOL(flemish_given, flemish_family, false, 95, 0, 370),
    POOL(walloon_given, walloon_family, false, 0, 95, 310),
    POOL(moroccan_given, moroccan_family, false, 40, 55, 70),
    {arabic_given, ARRAY_LEN(arabic_given), arabic_family, ARRAY_LEN(arabic_family),
     arabic_given_ascii, arabic_family_ascii, false, 20, 50, 15},
    POOL(turkish_given, turkish_family, false, 50, 35, 50),
    POOL(german_given, german_family, false, 20, 20, 35),
    POOL(italian_given, italian_family, false, 0, 55, 40),
    POOL(polish_given, polish_family, false, 25, 10, 30),
    POOL(vietnamese_given, vietnamese_family, true, 0, 40, 20),
    POOL(anglo_given, anglo_family, false, 0, 0, 35),
    POOL(iberian_given, iberian_family, false, 0, 30, 25),
};

/* Organisations: 'n' Dutch-speaking, 'f' French-speaking, 'b' bilingual (Brussels, federal),
 * 'e' international. Domains are under the reserved .example top-level domain. */
struct org_def {
    const char *name;
    const char *domain;
    char lang;
};

static const struct org_def orgs[] = {
    {"Digitaal Vlaanderen", "digitaal.vlaanderen.example", 'n'},
    {"Vlaamse overheid, Departement Omgeving", "omgeving.vlaanderen.example", 'n'},
    {"KU Leuven", "kuleuven.example", 'n'},
    {"Universiteit Gent", "ugent.example", 'n'},
    {"Vrije Universiteit Brussel", "vub.example", 'n'},
    {"Universiteit Antwerpen", "uantwerpen.example", 'n'},
    {"Stad Gent", "stad.gent.example", 'n'},
    {"Stad Antwerpen", "antwerpen.example", 'n'},
    {"Stad Leuven", "leuven.example", 'n'},
    {"Stad Mechelen", "mechelen.example", 'n'},
    {"VVSG", "vvsg.example", 'n'},
    {"imec", "imec.example", 'n'},
    {"De Lijn", "delijn.example", 'n'},
    {"Gemeente Zaventem", "zaventem.example", 'n'},
    {"Service public de Wallonie", "spw.example", 'f'},
    {"Agence du Numérique", "adn.example", 'f'},
    {"Université de Liège", "uliege.example", 'f'},
    {"UCLouvain", "uclouvain.example", 'f'},
    {"Université libre de Bruxelles", "ulb.example", 'f'},
    {"Université de Namur", "unamur.example", 'f'},
    {"Ville de Liège", "liege.example", 'f'},
    {"Ville de Namur", "namur.example", 'f'},
    {"Ville de Charleroi", "charleroi.example", 'f'},
    {"Union des Villes et Communes de Wallonie", "uvcw.example", 'f'},
    {"Fédération Wallonie-Bruxelles", "fwb.example", 'f'},
    {"Commune d'Ixelles", "ixelles.example", 'f'},
    {"SPF Économie, P.M.E., Classes moyennes et Énergie", "economie.fgov.example", 'f'},
    {"FOD BOSA / SPF BOSA", "bosa.example", 'b'},
    {"Smals", "smals.example", 'b'},
    {"Paradigm (Brussels Regional Informatics Centre)", "paradigm.brussels.example", 'b'},
    {"perspective.brussels", "perspective.example", 'b'},
    {"Statbel", "statbel.example", 'b'},
    {"Proximus", "proximus.example", 'b'},
    {"Agoria", "agoria.example", 'b'},
    {"Open Knowledge Belgium", "openknowledge.example", 'b'},
    {"Stad Brussel / Ville de Bruxelles", "brussel.example", 'b'},
    {"citydev.brussels", "citydev.example", 'b'},
    {"Sopra Steria Benelux", "soprasteria.example", 'b'},
    {"European Commission, DG CONNECT", "ec.example", 'e'},
    {"Eurostat", "eurostat.example", 'e'},
    {"OECD Observatory of Public Sector Innovation", "oecd.example", 'e'},
    {"TU Delft", "tudelft.example", 'e'},
    {"Fraunhofer FOKUS", "fokus.fraunhofer.example", 'e'},
    {"City of Amsterdam", "amsterdam.example", 'e'},
    {"Politecnico di Milano", "polimi.example", 'e'},
    {"Open Data Institute", "theodi.example", 'e'},
    {"Forum Virium Helsinki", "forumvirium.example", 'e'},
    {"Warsaw University of Technology", "pw.example", 'e'},
    {"Istanbul Metropolitan Municipality", "ibb.example", 'e'},
};

static const struct org_def press_orgs[] = {
    {"De Standaard", "standaard.example", 'n'},
    {"Le Soir", "lesoir.example", 'f'},
    {"VRT NWS", "vrt.example", 'n'},
    {"RTBF", "rtbf.example", 'f'},
    {"BRUZZ", "bruzz.example", 'b'},
    {"De Tijd", "tijd.example", 'n'},
    {"L'Echo", "lecho.example", 'f'},
    {"Politico Europe", "politico.example", 'e'},
    {"Data News", "datanews.example", 'b'},
    {"Belga", "belga.example", 'b'},
};

static const struct org_def staff_orgs[] = {
    {"Open Cities Symposium, organising team", "opencities-symposium.example", 'b'},
    {"Brussels Conference Centre", "bcc.example", 'b'},
};

/* The four names that must appear (DESIGN.md §2), with what they do at the symposium. Their
 * positions in the list are fixed (see special_positions), the rest is drawn. */
struct special_def {
    const char *name;
    const char *email_local;
    int lang; /* 0 nl, 1 fr, 2 en */
    const char *category;
    const char *org;               /* the name of one of orgs[] or press_orgs[] */
    const char *room_am, *room_pm; /* break-out rooms registered for, or NULL */
};

static const struct special_def specials[] = {
    {"Françoise Dieudonné", "francoise.dieudonne", 1, "speaker", "Service public de Wallonie",
     "salle-horta", "salle-magritte"},
    {"Jürgen Çelik", "juergen.celik", 2, "attendee", "Fraunhofer FOKUS", "room-2.14", "zaal-4"},
    {"Nguyễn Ngọc Anh", "ngocanh.nguyen", 2, "press", "Politico Europe", "studio-a", NULL},
    {"محمد", "mohamed", 1, "attendee", "Stad Brussel / Ville de Bruxelles", "salle-horta",
     "atelier-1"},
};
#define N_SPECIALS ((int)ARRAY_LEN(specials))
/* Where the specials go with 900 attendees; scaled down for smaller demos. Françoise is A0042
 * as in DESIGN.md's example. */
static const int special_base[N_SPECIALS] = {42, 107, 233, 318};

/* Latin letters with diacritics, for e-mail addresses. */
static const struct {
    const char *from, *to;
} translit[] = {
    {"à", "a"},  {"á", "a"}, {"â", "a"}, {"ä", "a"}, {"ã", "a"},  {"å", "a"}, {"ă", "a"},
    {"ą", "a"},  {"ạ", "a"}, {"ả", "a"}, {"ấ", "a"}, {"ầ", "a"},  {"ẩ", "a"}, {"ẫ", "a"},
    {"ậ", "a"},  {"ắ", "a"}, {"ằ", "a"}, {"ặ", "a"}, {"æ", "ae"}, {"ç", "c"}, {"ć", "c"},
    {"č", "c"},  {"đ", "d"}, {"è", "e"}, {"é", "e"}, {"ê", "e"},  {"ë", "e"}, {"ę", "e"},
    {"ẹ", "e"},  {"ế", "e"}, {"ề", "e"}, {"ể", "e"}, {"ễ", "e"},  {"ệ", "e"}, {"ğ", "g"},
    {"ì", "i"},  {"í", "i"}, {"î", "i"}, {"ï", "i"}, {"ı", "i"},  {"ị", "i"}, {"ĩ", "i"},
    {"ł", "l"},  {"ñ", "n"}, {"ń", "n"}, {"ò", "o"}, {"ó", "o"},  {"ô", "o"}, {"ö", "o"},
    {"õ", "o"},  {"ø", "o"}, {"ơ", "o"}, {"ọ", "o"}, {"ố", "o"},  {"ồ", "o"}, {"ổ", "o"},
    {"ỗ", "o"},  {"ộ", "o"}, {"ớ", "o"}, {"ờ", "o"}, {"ở", "o"},  {"ợ", "o"}, {"œ", "oe"},
    {"ß", "ss"}, {"ś", "s"}, {"ş", "s"}, {"š", "s"}, {"ù", "u"},  {"ú", "u"}, {"û", "u"},
    {"ü", "u"},  {"ũ", "u"}, {"ư", "u"}, {"ụ", "u"}, {"ủ", "u"},  {"ứ", "u"}, {"ừ", "u"},
    {"ử", "u"},  {"ữ", "u"}, {"ự", "u"}, {"ý", "y"}, {"ÿ", "y"},  {"ỳ", "y"}, {"ź", "z"},
    {"ż", "z"},  {"ž", "z"}, {"À", "a"}, {"Ç", "c"}, {"É", "e"},  {"Ê", "e"}, {"İ", "i"},
    {"Ł", "l"},  {"Ö", "o"}, {"Ş", "s"}, {"Ü", "u"}, {"Đ", "d"},  {"Ś", "s"}, {"Ż", "z"},
    {"Ä", "a"},
};

/* Appends the ASCII e-mail form of a name part: lower case, diacritics dropped, spaces and
 * apostrophes removed, hyphens kept; other scripts are skipped. */
static void append_ascii(struct strbuf *sb, const char *s)
{
    while (*s != '\0') {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                strbuf_putc(sb, (char)c);
            else if (c >= 'A' && c <= 'Z')
                strbuf_putc(sb, (char)(c - 'A' + 'a'));
            s++;
            continue;
        }
        size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        for (size_t i = 0; i < ARRAY_LEN(translit); i++) {
            if (strlen(translit[i].from) == n && strncmp(s, translit[i].from, n) == 0) {
                strbuf_puts(sb, translit[i].to);
                break;
            }
        }
        for (size_t i = 0; i < n && *s != '\0'; i++)
            s++;
    }
}

/* ---- randomness ------------------------------------------------------------------------ */

/* SplitMix64: tiny, fast, and the same sequence on every platform for a given seed. */
struct rng {
    uint64_t state;
};

/* Returns the next 64 random bits. */
static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Returns a number in [0, n); n > 0. */
static size_t rng_below(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

/* True with probability pct / 100. */
static bool rng_pct(struct rng *r, int pct)
{
    return (int)rng_below(r, 100) < pct;
}

/* Picks an index with probability proportional to weights[i]. */
static size_t rng_weighted(struct rng *r, const int *weights, size_t n)
{
    long total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    long x = (long)rng_below(r, (size_t)total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

/* ---- a set of strings, to keep names and e-mail addresses unique ------------------------ */

struct strset {
    char **slots; /* borrowed strings */
    size_t cap;   /* a power of two */
};

/* FNV-1a. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* Adds s (borrowed) unless present; returns false when it was already there. */
static bool strset_add(struct strset *set, char *s)
{
    size_t i = (size_t)hash_str(s) & (set->cap - 1);
    while (set->slots[i] != NULL) {
        if (strcmp(set->slots[i], s) == 0)
            return false;
        i = (i + 1) & (set->cap - 1);
    }
    set->slots[i] = s;
    return true;
}

/* ---- generation ------------------------------------------------------------------------ */

struct person {
    char *name;
    char *email; /* NULL: none given */
    const struct org_def *org;
    int lang;
    const char *category;
    int talk;    /* the session this speaker speaks in, or -1 */
    int sess[2]; /* registered sessions (indexes), -1 for none, in time order */
};

static const char *const lang_names[] = {"nl", "fr", "en"};

/* Positions (0-based) of the specials among n attendees: spread like special_base, distinct. */
static void special_positions(int n, int pos[N_SPECIALS])
{
    for (int k = 0; k < N_SPECIALS; k++) {
        int p = (int)((long)special_base[k] * n / DEMO_DEFAULT_ATTENDEES) - 1;
        if (k > 0 && p <= pos[k - 1])
            p = pos[k - 1] + 1;
        pos[k] = p < 0 ? 0 : p;
    }
}

/* Returns the organisation called name (one of orgs[] or press_orgs[]). */
static const struct org_def *org_named(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
        if (strcmp(orgs[i].name, name) == 0)
            return &orgs[i];
    }
    for (size_t i = 0; i < ARRAY_LEN(press_orgs); i++) {
        if (strcmp(press_orgs[i].name, name) == 0)
            return &press_orgs[i];
    }
    return &orgs[0];
}

/* Picks an organisation, mostly one that works in the person's language. */
static const struct org_def *pick_org(struct rng *r, int lang)
{
    static const char want[] = {'n', 'f', 'e'};
    if (rng_pct(r, 80)) {
        const struct org_def *fit[ARRAY_LEN(orgs)];
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
            if (orgs[i].lang == want[lang] || orgs[i].lang == 'b')
                fit[n++] = &orgs[i];
        }
        return fit[rng_below(r, n)];
    }
    return &orgs[rng_below(r, ARRAY_LEN(orgs))];
}

/* Draws a name not used yet (tries a few times, then accepts a namesake) and the matching
 * e-mail local part; fills p->name and *local (owned by the caller). */
static void draw_name(struct rng *r, struct strset *names, struct person *p, char **local)
{
    int weights[ARRAY_LEN(pools)];
    for (size_t i = 0; i < ARRAY_LEN(pools); i++)
        weights[i] = pools[i].per_mille;
    const struct name_pool *pool = &pools[rng_weighted(r, weights, ARRAY_LEN(pools))];
    size_t g = 0, f = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        g = rng_below(r, pool->n_given);
        f = rng_below(r, pool->n_family);
        free(p->name);
        if (pool->family_first)
            p->name = xasprintf("%s %s", pool->family[f], pool->given[g]);
        else
            p->name = xasprintf("%s %s", pool->given[g], pool->family[f]);
        if (strset_add(names, p->name))
            break;
    }
    struct strbuf sb = {0};
    append_ascii(&sb, pool->given_ascii ? pool->given_ascii[g] : pool->given[g]);
    strbuf_putc(&sb, '.');
    append_ascii(&sb, pool->family_ascii ? pool->family_ascii[f] : pool->family[f]);
    *local = strbuf_take(&sb);
    int x = (int)rng_below(r, 100);
    p->lang = x < pool->pct_nl ? 0 : x < pool->pct_nl + pool->pct_fr ? 1 : 2;
}

/* Appends a CSV field, quoted when it holds a comma, a quote, a line break or edge spaces. */
static void csv_put(struct strbuf *sb, const char *s)
{
    size_t len = strlen(s);
    bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (const char *c = s; *c != '\0' && !quote; c++)
        quote = *c == ',' || *c == '"' || *c == '\r' || *c == '\n';
    if (!quote) {
        strbuf_append(sb, s, len);
        return;
    }
    strbuf_putc(sb, '"');
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *c);
    }
    strbuf_putc(sb, '"');
}

/* RFC 4180 ends records with CRLF. */
static void csv_end(struct strbuf *sb)
{
    strbuf_puts(sb, "\r\n");
}

/* Writes rooms.csv. */
static char *make_rooms_csv(void)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,capacity");
    csv_end(&sb);
    for (size_t i = 0; i < ARRAY_LEN(rooms); i++) {
        csv_put(&sb, rooms[i].id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, rooms[i].name);
        strbuf_printf(&sb, ",%d", rooms[i].capacity);
        csv_end(&sb);
    }
    return strbuf_take(&sb);
}

/* The title of a session. */
static const char *session_title(int s)
{
    if (s == SESSION_OPENING)
        return opening_title;
    if (s == SESSION_CLOSING)
        return closing_title;
    return s < N_BREAKOUT ? morning[s].title : afternoon[s - N_BREAKOUT].title;
}

/* Writes sessions.csv, in the order of the day. */
static char *make_sessions_csv(const char *date)
{
    const char *offset = demo_utc_offset(date);
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,room,title,start,end");
    csv_end(&sb);
    int order[N_SESSIONS];
    int n = 0;
    order[n++] = SESSION_OPENING;
    for (int s = 0; s < 2 * N_BREAKOUT; s++)
        order[n++] = s;
    order[n++] = SESSION_CLOSING;
    for (int i = 0; i < n; i++) {
        int s = order[i];
        const char *start, *end;
        session_times(s, &start, &end);
        char *id = session_id(s);
        csv_put(&sb, id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, rooms[session_room(s)].id);
        strbuf_putc(&sb, ',');
        csv_put(&sb, session_title(s));
        strbuf_printf(&sb, ",%sT%s:00%s,%sT%s:00%s", date, start, offset, date, end, offset);
        csv_end(&sb);
        free(id);
    }
    return strbuf_take(&sb);
}

/* Registers p for a break-out in the slot (0 morning, 1 afternoon) with probability pct, drawn
 * by popularity. */
static void maybe_register(struct rng *r, struct person *p, int slot, int pct)
{
    if (p->sess[slot] >= 0 || !rng_pct(r, pct))
        return;
    int weights[N_BREAKOUT];
    for (int i = 0; i < N_BREAKOUT; i++)
        weights[i] = slot == 0 ? morning[i].demand : afternoon[i].demand;
    p->sess[slot] = (int)rng_weighted(r, weights, N_BREAKOUT) + slot * N_BREAKOUT;
}

/* Fills people[0..n) (names, organisations, categories, registrations). */
static void make_people(struct rng *r, struct person *people, int n)
{
    size_t cap = 16;
    while (cap < (size_t)n * 4)
        cap *= 2;
    struct strset names = {xcalloc(cap, sizeof(char *)), cap};
    struct strset emails = {xcalloc(cap, sizeof(char *)), cap};

    int pos[N_SPECIALS];
    special_positions(n, pos);
    bool *special = xcalloc((size_t)n, sizeof(bool));
    for (int k = 0; k < N_SPECIALS; k++) {
        struct person *p = &people[pos[k]];
        special[pos[k]] = true;
        p->name = xstrdup(specials[k].name);
        strset_add(&names, p->name);
    }

    /* Categories: the specials have theirs; the others are dealt from a shuffled deck. */
    int n_speakers = n >= DEMO_DEFAULT_ATTENDEES ? 30 : 30 * n / DEMO_DEFAULT_ATTENDEES;
    int n_staff = 20 * n / DEMO_DEFAULT_ATTENDEES;
    int n_press = 10 * n / DEMO_DEFAULT_ATTENDEES;
    n_speakers = n_speakers < 1 ? 1 : n_speakers;
    n_staff = n_staff < 1 ? 1 : n_staff;
    n_press = n_press < 1 ? 1 : n_press;
    int *deck = xcalloc((size_t)n, sizeof(int));
    int n_deck = 0;
    for (int i = 0; i < n; i++) {
        people[i].category = "attendee";
        people[i].talk = -1;
        people[i].sess[0] = people[i].sess[1] = -1;
        if (!special[i])
            deck[n_deck++] = i;
    }
    for (int i = n_deck - 1; i > 0; i--) {
        int j = (int)rng_below(r, (size_t)i + 1);
        int t = deck[i];
        deck[i] = deck[j];
        deck[j] = t;
    }
    int next = 0;
    for (int k = 0; k < N_SPECIALS; k++) {
        const char *cat = specials[k].category;
        people[pos[k]].category = cat;
        n_speakers -= strcmp(cat, "speaker") == 0;
        n_press -= strcmp(cat, "press") == 0;
    }
    for (int i = 0; i < n_speakers && next < n_deck; i++)
        people[deck[next++]].category = "speaker";
    for (int i = 0; i < n_staff && next < n_deck; i++)
        people[deck[next++]].category = "staff";
    for (int i = 0; i < n_press && next < n_deck; i++)
        people[deck[next++]].category = "press";

    /* Talks: Françoise opens the morning session in Salle Horta; the other speakers take the
     * remaining sessions, plenaries last. */
    bool taken[N_SESSIONS] = {false};
    int talk_fr = breakout_of(specials[0].room_am, false);
    people[pos[0]].talk = talk_fr;
    taken[talk_fr] = true;
    int s = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(people[i].category, "speaker") != 0 || people[i].talk >= 0)
            continue;
        while (s < N_SESSIONS && taken[s])
            s++;
        if (s == N_SESSIONS)
            break;
        people[i].talk = s;
        taken[s] = true;
    }

    for (int i = 0; i < n; i++) {
        struct person *p = &people[i];
        char *local = NULL;
        if (special[i]) {
            const struct special_def *sp = NULL;
            for (int k = 0; k < N_SPECIALS; k++) {
                if (pos[k] == i)
                    sp = &specials[k];
            }
            local = xstrdup(sp->email_local);
            p->lang = sp->lang;
            p->org = org_named(sp->org);
            if (sp->room_am != NULL)
                p->sess[0] = breakout_of(sp->room_am, false);
            if (sp->room_pm != NULL)
                p->sess[1] = breakout_of(sp->room_pm, true);
        } else {
            draw_name(r, &names, p, &local);
            if (strcmp(p->category, "staff") == 0)
                p->org = &staff_orgs[rng_pct(r, 70) ? 0 : 1];
            else if (strcmp(p->category, "press") == 0)
                p->org = &press_orgs[rng_below(r, ARRAY_LEN(press_orgs))];
            else
                p->org = pick_org(r, p->lang);
        }

        /* A few on-site registrations came without an e-mail address. */
        if (!special[i] && rng_pct(r, 2)) {
            free(local);
            continue;
        }
        p->email = xasprintf("%s@%s", local, p->org->domain);
        for (int k = 2; !strset_add(&emails, p->email); k++) {
            free(p->email);
            p->email = xasprintf("%s%d@%s", local, k, p->org->domain);
        }
        free(local);
    }

    /* Registrations, 0 to 2 each, at most one per break-out slot. */
    for (int i = 0; i < n; i++) {
        struct person *p = &people[i];
        if (special[i] && p->talk < 0)
            continue;
        if (p->talk >= 0 && p->talk < 2 * N_BREAKOUT) {
            p->sess[p->talk / N_BREAKOUT] = p->talk;
            maybe_register(r, p, 1 - p->talk / N_BREAKOUT, 40);
        } else if (p->talk >= 0) {
            /* A keynote speaker is registered for the plenary and perhaps one break-out (the
             * opening comes before the afternoon slot, the closing after the morning one). */
            int slot = p->talk == SESSION_OPENING ? 0 : 1;
            p->sess[slot] = p->talk;
            maybe_register(r, p, 1 - slot, 40);
        } else if (strcmp(p->category, "attendee") == 0) {
            maybe_register(r, p, 0, 87);
            maybe_register(r, p, 1, 80);
        } else if (strcmp(p->category, "press") == 0) {
            maybe_register(r, p, 0, 50);
            maybe_register(r, p, 1, 50);
        }
    }

    free(deck);
    free(special);
    free(names.slots);
    free(emails.slots);
}

/* Writes attendees.csv. */
static char *make_attendees_csv(const struct person *people, int n)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "id,name,organisation,email,language,category,sessions");
    csv_end(&sb);
    for (int i = 0; i < n; i++) {
        const struct person *p = &people[i];
        strbuf_printf(&sb, "A%04d,", i + 1);
        csv_put(&sb, p->name);
        strbuf_putc(&sb, ',');
        csv_put(&sb, p->org->name);
        strbuf_putc(&sb, ',');
        csv_put(&sb, p->email != NULL ? p->email : "");
        strbuf_printf(&sb, ",%s,%s,", lang_names[p->lang], p->category);
        struct strbuf list = {0};
        for (int k = 0; k < 2; k++) {
            if (p->sess[k] < 0)
                continue;
            char *id = session_id(p->sess[k]);
            if (list.len > 0)
                strbuf_putc(&list, ';');
            strbuf_puts(&list, id);
            free(id);
        }
        csv_put(&sb, list.data != NULL ? list.data : "");
        strbuf_finish(&list);
        csv_end(&sb);
    }
    return strbuf_take(&sb);
}

bool demo_generate(const struct demo_options *opts, struct demo_csvs *out)
{
    if (opts->attendees < DEMO_MIN_ATTENDEES || opts->attendees > DEMO_MAX_ATTENDEES) {
        log_warnx("demo: %d attendees: must be between %d and %d", opts->attendees,
                  DEMO_MIN_ATTENDEES, DEMO_MAX_ATTENDEES);
        return false;
    }
    if (!demo_date_valid(opts->date)) {
        log_warnx("demo: '%s': not a date (YYYY-MM-DD)", opts->date);
        return false;
    }
    struct rng r = {opts->seed};
    int n = opts->attendees;
    struct person *people = xcalloc((size_t)n, sizeof *people);
    make_people(&r, people, n);
    out->rooms = make_rooms_csv();
    out->sessions = make_sessions_csv(opts->date);
    out->attendees = make_attendees_csv(people, n);
    for (int i = 0; i < n; i++) {
        free(people[i].name);
        free(people[i].email);
    }
    free(people);
    return true;
}

void demo_csvs_finish(struct demo_csvs *csvs)
{
    free(csvs->rooms);
    free(csvs->sessions);
    free(csvs->attendees);
    csvs->rooms = csvs->sessions = csvs->attendees = NULL;
}

bool demo_write_csvs(const char *dir, const struct demo_options *opts)
{
    struct demo_csvs csvs = {0};
    if (!demo_generate(opts, &csvs))
        return false;
    const struct {
        const char *name;
        const char *data;
    } files[] = {
        {DEMO_ROOMS_CSV, csvs.rooms},
        {DEMO_SESSIONS_CSV, csvs.sessions},
        {DEMO_ATTENDEES_CSV, csvs.attendees},
    };
    bool ok = true;
    for (size_t i = 0; i < ARRAY_LEN(files) && ok; i++) {
        char *path = path_join(dir, files[i].name);
        ok = file_write_atomic(path, files[i].data, strlen(files[i].data), 0644);
        if (!ok)
            log_warn("%s", path);
        free(path);
    }
    demo_csvs_finish(&csvs);
    return ok;
}

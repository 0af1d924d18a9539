/* SPDX-License-Identifier: Apache-2.0 */
/* The people of the demo event (see demo_people.h). */
#include "demo_people.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A list of names, given as a list of string literals. */
struct name_list {
    const char *const *names;
    size_t n;
};
#define NAMES(...)                                                                                 \
    {                                                                                              \
        (const char *const[]){__VA_ARGS__}, ARRAY_LEN(((const char *const[]){__VA_ARGS__}))        \
    }

/* Where a name comes from: given and family names that go together, the languages such a
 * person picks (percentages nl/fr, the rest en) and how common the origin is (per mille). */
struct name_pool {
    struct name_list given, family;
    struct name_list given_ascii, family_ascii; /* romanisations for e-mail addresses, or none */
    bool family_first;
    int pct_nl, pct_fr;
    int per_mille;
};

static const struct name_pool pools[] = {
    /* Flemish */
    {.given = NAMES("Jan", "Pieter", "Wouter", "Bart", "Koen", "Tom", "Joris", "Lieven", "Stijn",
                    "Dries", "Sander", "Jens", "Thomas", "Arne", "Maarten", "Bram", "Wim", "Geert",
                    "Els", "Griet", "An", "Katrien", "Sofie", "Lotte", "Ine", "Marieke", "Hanne",
                    "Eline", "Femke", "Nele", "Saskia", "Joke", "Anneleen", "Annelies", "Liesbeth",
                    "Ellen"),
     .family = NAMES("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
                     "Goossens", "Wouters", "De Smet", "Van den Broeck", "Vermeulen", "De Vos",
                     "Van Damme", "Hermans", "Verstraeten", "Van de Velde", "De Clercq",
                     "Vandenberghe", "Lambrechts", "Coppens", "Van Acker", "Verhaegen", "Smets",
                     "Vlaeminck", "D'Hondt", "Van Hoof", "De Backer", "Cuypers", "Bogaerts",
                     "Claeys", "Vercammen", "Van Hecke", "De Wilde", "Geerts", "Vanhoutte"),
     .pct_nl = 95,
     .pct_fr = 0,
     .per_mille = 370},
    /* Walloon */
    {.given = NAMES("Françoise", "Jean-Luc", "Véronique", "Hélène", "Benoît", "François", "Amélie",
                    "Céline", "Stéphane", "Geneviève", "Jérôme", "Noémie", "Olivier", "Isabelle",
                    "Mathieu", "Aurélie", "Chloé", "Léa", "Nicolas", "Julien", "Sébastien", "Anaïs",
                    "Gaëlle", "Raphaël", "Thérèse", "Michèle", "Loïc", "Zoé", "Frédéric", "Cédric",
                    "Maïté", "Marie-Claire"),
     .family = NAMES("Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Lefèvre",
                     "Leclercq", "Renard", "Collignon", "Delvaux", "Dieudonné", "Lejeune", "Gérard",
                     "Noël", "Denis", "Wathelet", "Jadot", "Piérard", "Massart", "Lemaire", "Thiry",
                     "Dethier", "Fontaine", "Delcourt", "Boulanger", "Hubert", "Lecocq", "Deprez",
                     "Crèvecœur", "Lhoëst", "Gilson"),
     .pct_nl = 0,
     .pct_fr = 95,
     .per_mille = 310},
    /* Moroccan */
    {.given = NAMES("Mohamed", "Fatima", "Youssef", "Khadija", "Saïd", "Nadia", "Hamza", "Samira",
                    "Karim", "Latifa", "Rachid", "Soufiane", "Imane", "Ilham", "Bilal", "Yasmina",
                    "Mehdi", "Zineb"),
     .family = NAMES("El Amrani", "Benali", "El Idrissi", "Bouzid", "Aït Ouahmane", "Chaoui",
                     "El Khattabi", "Ouali", "Azzouzi", "Boukhari", "Haddou", "Lahlou", "Bakkali",
                     "El Ouardi", "Ben Moussa", "Zarouali"),
     .pct_nl = 40,
     .pct_fr = 55,
     .per_mille = 70},
    /* Arabic */
    {.given = NAMES("محمد", "فاطمة", "يوسف", "خديجة", "عمر", "ليلى", "أمين", "سلمى", "كريم", "نور",
                    "حمزة", "مريم"),
     .family = NAMES("العلوي", "بنعلي", "الإدريسي", "التازي", "الفاسي", "بوزيد", "المنصوري",
                     "الحسني", "الزياني", "الشرقاوي"),
     .given_ascii = NAMES("mohamed", "fatima", "youssef", "khadija", "omar", "leila", "amine",
                          "salma", "karim", "nour", "hamza", "maryam"),
     .family_ascii = NAMES("alaoui", "benali", "idrissi", "tazi", "fassi", "bouzid", "mansouri",
                           "hassani", "zayani", "cherkaoui"),
     .pct_nl = 20,
     .pct_fr = 50,
     .per_mille = 15},
    /* Turkish */
    {.given = NAMES("Mehmet", "Ayşe", "Emre", "Elif", "Hakan", "Zeynep", "Burak", "Şule", "Özlem",
                    "Çağlar", "Gökhan", "İlker", "Selin", "Can"),
     .family = NAMES("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
                     "Arslan", "Doğan", "Kılıç", "Aktaş", "Korkmaz", "Güneş"),
     .pct_nl = 50,
     .pct_fr = 35,
     .per_mille = 50},
    /* German */
    {.given = NAMES("Jürgen", "Stefan", "Katharina", "Lukas", "Anna", "Matthias", "Sabine", "Jörg",
                    "Birgit", "Uwe", "Franziska", "Tobias", "Hannelore", "Björn"),
     .family = NAMES("Müller", "Schmidt", "Schäfer", "Weiß", "Köhler", "Groß", "Hoffmann", "Krüger",
                     "Becker", "Schröder", "Wagner", "Fuchs", "Meißner", "Häußler"),
     .pct_nl = 20,
     .pct_fr = 20,
     .per_mille = 35},
    /* Italian */
    {.given = NAMES("Giulia", "Marco", "Francesca", "Alessandro", "Chiara", "Luca", "Federica",
                    "Matteo", "Elena", "Giovanni", "Niccolò", "Sofia"),
     .family = NAMES("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
                     "Ricci", "Marino", "Greco", "De Luca", "Lombardi", "Fabbri", "D'Angelo"),
     .pct_nl = 0,
     .pct_fr = 55,
     .per_mille = 40},
    /* Polish */
    {.given = NAMES("Agnieszka", "Krzysztof", "Małgorzata", "Łukasz", "Katarzyna", "Paweł",
                    "Magdalena", "Tomasz", "Joanna", "Michał", "Zofia", "Wojciech"),
     .family = NAMES("Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek",
                     "Zając", "Król", "Wróbel", "Pawlak", "Michalak", "Sikora", "Baran"),
     .pct_nl = 25,
     .pct_fr = 10,
     .per_mille = 30},
    /* Vietnamese */
    {.given = NAMES("Văn Minh", "Thị Lan", "Thu Hà", "Quốc Bảo", "Minh Châu", "Thanh Hương",
                    "Đức Anh", "Hoài Nam", "Phương Linh", "Gia Huy", "Bảo Ngọc", "Tuấn Kiệt"),
     .family = NAMES("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
                     "Bùi", "Đỗ"),
     .family_first = true,
     .pct_nl = 0,
     .pct_fr = 40,
     .per_mille = 20},
    /* Anglo */
    {.given = NAMES("Sarah", "James", "Emma", "Oliver", "Aoife", "Siobhán", "Liam", "Niamh",
                    "Rachel", "David", "Hannah", "Patrick"),
     .family = NAMES("Smith", "O'Brien", "Murphy", "Walsh", "Taylor", "Byrne", "Kelly", "Brown",
                     "Clarke", "Evans", "Hughes", "Doyle"),
     .pct_nl = 0,
     .pct_fr = 0,
     .per_mille = 35},
    /* Iberian */
    {.given = NAMES("Ana", "Javier", "María", "Inês", "João", "Pablo", "Lucía", "Tiago", "Carmen",
                    "Sergio"),
     .family = NAMES("García", "Fernández", "Silva", "Martínez", "Pereira", "López", "Sánchez",
                     "Costa", "Gómez", "Rodrigues"),
     .pct_nl = 0,
     .pct_fr = 30,
     .per_mille = 25},
};

static const struct demo_org orgs[] = {
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

static const struct demo_org press_orgs[] = {
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

static const struct demo_org staff_orgs[] = {
    {"Open Cities Symposium, organising team", "opencities-symposium.example", 'b'},
    {"Brussels Conference Centre", "bcc.example", 'b'},
};

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

/* Draws a name not used yet and the matching e-mail local part. */
void demo_people_draw(struct demo_rng *r, struct hashmap *names, char **name, char **local,
                      enum language *lang)
{
    int weights[ARRAY_LEN(pools)];
    for (size_t i = 0; i < ARRAY_LEN(pools); i++)
        weights[i] = pools[i].per_mille;
    const struct name_pool *pool = &pools[demo_rng_weighted(r, weights, ARRAY_LEN(pools))];
    size_t g = 0, f = 0;
    *name = NULL;
    for (int attempt = 0; attempt < 20; attempt++) {
        g = demo_rng_below(r, pool->given.n);
        f = demo_rng_below(r, pool->family.n);
        const char *given = pool->given.names[g], *family = pool->family.names[f];
        free(*name);
        *name = pool->family_first ? xasprintf("%s %s", family, given)
                                   : xasprintf("%s %s", given, family);
        if (hashmap_put(names, *name, 0, NULL))
            break;
    }
    struct strbuf sb = {0};
    append_ascii(&sb, pool->given_ascii.n > 0 ? pool->given_ascii.names[g] : pool->given.names[g]);
    strbuf_putc(&sb, '.');
    append_ascii(&sb,
                 pool->family_ascii.n > 0 ? pool->family_ascii.names[f] : pool->family.names[f]);
    *local = strbuf_take(&sb);
    int x = (int)demo_rng_below(r, 100);
    *lang = x < pool->pct_nl ? LANG_NL : x < pool->pct_nl + pool->pct_fr ? LANG_FR : LANG_EN;
}

/* Picks an organisation, mostly one that works in the person's language. */
const struct demo_org *demo_people_org(struct demo_rng *r, enum language lang)
{
    char want = lang == LANG_NL ? 'n' : lang == LANG_FR ? 'f' : 'e';
    if (demo_rng_pct(r, 80)) {
        const struct demo_org *fit[ARRAY_LEN(orgs)];
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
            if (orgs[i].lang == want || orgs[i].lang == 'b')
                fit[n++] = &orgs[i];
        }
        return fit[demo_rng_below(r, n)];
    }
    return &orgs[demo_rng_below(r, ARRAY_LEN(orgs))];
}

/* Picks a newsroom. */
const struct demo_org *demo_people_press_org(struct demo_rng *r)
{
    return &press_orgs[demo_rng_below(r, ARRAY_LEN(press_orgs))];
}

/* Picks the organising team (mostly) or the venue. */
const struct demo_org *demo_people_staff_org(struct demo_rng *r)
{
    return &staff_orgs[demo_rng_pct(r, 70) ? 0 : 1];
}

/* Finds an organisation or a newsroom by name. */
const struct demo_org *demo_people_org_named(const char *name)
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

#include "i18n.h"

#include <stddef.h>

struct message {
    const char *name;
    const char *text[LANG_COUNT]; /* indexed by enum language: nl, fr, en */
};

#define M(id, key, nl, fr, en) [id] = {key, {nl, fr, en}}

/* Designated initialisers keep each message next to its enum name; a message left out is a
 * NULL row that the ui tests catch. */
static const struct message messages[MSG_COUNT] = {
    M(MSG_SCAN_BADGE, "scan_badge", "Scan je badge", "Scannez votre badge", "Scan your badge"),
    M(MSG_HOLD_IN_FRAME, "hold_in_frame", "Houd de code in het kader",
      "Tenez le code dans le cadre", "Hold the code inside the frame"),
    M(MSG_USE_SCANNER, "use_scanner", "Gebruik de handscanner", "Utilisez le lecteur à main",
      "Use the hand scanner"),
    M(MSG_NOW, "now", "Nu", "Maintenant", "Now"),
    M(MSG_NEXT, "next", "Hierna", "Ensuite", "Next"),
    M(MSG_NO_SESSION, "no_session", "Geen sessie nu", "Pas de session en cours",
      "No session right now"),
    M(MSG_IN_ROOM, "in_room", "in de zaal", "dans la salle", "in the room"),
    M(MSG_IN_VENUE, "in_venue", "binnen", "à l'intérieur", "inside"),
    M(MSG_FULL, "full", "Vol", "Complet", "Full"),
    M(MSG_ROOM_CLOSED, "room_closed", "Zaal gesloten", "Salle fermée", "Room closed"),
    M(MSG_ENTRANCE, "entrance", "Ingang", "Entrée", "Entrance"),
    M(MSG_MODE_ENTRY, "mode_entry", "Binnenkomen", "Entrée", "Entry"),
    M(MSG_MODE_EXIT, "mode_exit", "Buitengaan", "Sortie", "Exit"),
    M(MSG_MODE_TOGGLE, "mode_toggle", "In en uit", "Entrée et sortie", "In and out"),
    M(MSG_MODE_OVERVIEW, "mode_overview", "Overzicht", "Vue d'ensemble", "Overview"),
    M(MSG_SYNC_ONLINE, "sync_online", "Online", "En ligne", "Online"),
    M(MSG_SYNC_OFFLINE_SINCE, "sync_offline_since", "Offline sinds %s", "Hors ligne depuis %s",
      "Offline since %s"),
    M(MSG_SYNC_OFFLINE, "sync_offline", "Offline", "Hors ligne", "Offline"),
    M(MSG_SYNC_WAITING, "sync_waiting", "%d scans wachten", "%d scans en attente",
      "%d scans waiting"),

    M(MSG_WELCOME, "welcome", "Welkom", "Bienvenue", "Welcome"),
    M(MSG_WELCOME_BACK, "welcome_back", "Welkom terug", "Bon retour", "Welcome back"),
    M(MSG_GOODBYE, "goodbye", "Tot ziens", "Au revoir", "Goodbye"),
    M(MSG_ENJOY_SESSION, "enjoy_session", "Veel plezier in %s", "Bonne session dans %s",
      "Enjoy your time in %s"),
    M(MSG_REENTRY_DETAIL, "reentry_detail", "Je was vandaag al ingecheckt",
      "Vous étiez déjà enregistré(e) aujourd'hui", "You had already checked in today"),
    M(MSG_OVERRIDE_DETAIL, "override_detail", "Toegelaten door een medewerker: de zaal is vol",
      "Admis(e) par le personnel : la salle est complète", "Admitted by staff: the room is full"),
    M(MSG_ALREADY_IN, "already_in", "Je bent hier al ingecheckt",
      "Vous êtes déjà enregistré(e) ici", "You are already checked in here"),
    M(MSG_ALREADY_OUT, "already_out", "Je was al uitgecheckt", "Votre sortie était déjà notée",
      "You were already checked out"),
    M(MSG_BADGE_INVALID, "badge_invalid", "Badge niet geldig", "Badge non valide",
      "Badge not valid"),
    M(MSG_BADGE_REVOKED, "badge_revoked", "Badge niet meer geldig", "Badge plus valide",
      "Badge no longer valid"),
    M(MSG_BADGE_WRONG_EVENT, "badge_wrong_event", "Badge van een ander evenement",
      "Badge d'un autre événement", "Badge for another event"),
    M(MSG_BADGE_UNKNOWN, "badge_unknown", "Badge niet herkend", "Badge non reconnu",
      "Badge not recognised"),
    M(MSG_ROOM_FULL, "room_full", "Zaal vol", "Salle complète", "Room full"),
    M(MSG_NOT_ADMITTED, "not_admitted", "Geen toegang", "Accès refusé", "Not admitted"),
    M(MSG_SEE_DESK, "see_desk", "Ga naar de registratiebalie", "Veuillez vous adresser à l'accueil",
      "Please see the registration desk"),
    M(MSG_SEE_DESK_NEW_BADGE, "see_desk_new_badge",
      "Vraag een nieuwe badge aan de registratiebalie", "Demandez un nouveau badge à l'accueil",
      "Please ask the registration desk for a new badge"),
    M(MSG_SEE_DESK_EVENT, "see_desk_event",
      "Deze badge hoort bij een ander evenement: ga naar de registratiebalie",
      "Ce badge appartient à un autre événement : adressez-vous à l'accueil",
      "This badge belongs to another event: please see the registration desk"),
    M(MSG_TRY_ROOM, "try_room", "Probeer zaal %s (%d plaatsen vrij)",
      "Essayez la salle %s (%d places libres)", "Try room %s (%d seats free)"),
    M(MSG_WAIT_OR_ASK, "wait_or_ask", "Wacht tot er plaats vrijkomt of vraag een medewerker",
      "Attendez qu'une place se libère ou demandez au personnel",
      "Please wait for a free seat or ask a member of staff"),
    M(MSG_SEATS_RESERVED, "seats_reserved", "Plaatsen voorbehouden", "Places réservées",
      "Seats reserved"),
    M(MSG_RESERVED_UNTIL, "reserved_until",
      "De plaatsen zijn tot %s voorbehouden voor wie ingeschreven is",
      "Les places sont réservées aux inscrits jusqu'à %s",
      "Seats are kept for registered attendees until %s"),
    M(MSG_RESERVED_DETAIL, "reserved_detail",
      "De plaatsen zijn voorbehouden voor wie ingeschreven is",
      "Les places sont réservées aux inscrits", "Seats are kept for registered attendees"),
    M(MSG_ASK_STAFF, "ask_staff", "Vraag het aan een medewerker",
      "Veuillez vous adresser au personnel", "Please ask a member of staff"),

    M(MSG_STAFF_BADGE, "staff_badge", "Medewerker", "Personnel", "Staff"),
    M(MSG_STAFF_CONFIRM, "staff_confirm", "Tik hier of scan opnieuw voor het medewerkersmenu",
      "Touchez ici ou scannez à nouveau pour le menu du personnel",
      "Tap here or scan again for the staff menu"),
    M(MSG_STAFF_OVERRIDE_ARMED, "staff_override_armed",
      "De volgende persoon mag binnen, ook als de zaal vol is",
      "La personne suivante peut entrer, même si la salle est complète",
      "The next person may enter even if the room is full"),
    M(MSG_STAFF_MENU, "staff_menu", "Medewerkersmenu", "Menu du personnel", "Staff menu"),
    M(MSG_STAFF_MODE, "staff_mode", "Werking", "Mode", "Mode"),
    M(MSG_STAFF_COUNT, "staff_count", "Telling (mensen zonder badge)",
      "Comptage (personnes sans badge)", "Count (people without a badge)"),
    M(MSG_STAFF_ROOM, "staff_room", "Zaal", "Salle", "Room"),
    M(MSG_STAFF_CLOSE_ROOM, "staff_close_room", "Zaal sluiten", "Fermer la salle", "Close room"),
    M(MSG_STAFF_OPEN_ROOM, "staff_open_room", "Zaal openen", "Ouvrir la salle", "Open room"),
    M(MSG_STAFF_LANGUAGE, "staff_language", "Taal", "Langue", "Language"),
    M(MSG_STAFF_DIAGNOSTICS, "staff_diagnostics", "Diagnose", "Diagnostic", "Diagnostics"),
    M(MSG_STAFF_CLOSE, "staff_close", "Sluiten", "Fermer", "Close"),
    M(MSG_STAFF_AUTOCLOSE, "staff_autoclose", "Sluit vanzelf over %d s", "Se ferme dans %d s",
      "Closes by itself in %d s"),
    M(MSG_DIAG_CAMERA, "diag_camera", "Camera: %.1f beelden/s", "Caméra : %.1f images/s",
      "Camera: %.1f frames/s"),
    M(MSG_DIAG_DECODE, "diag_decode", "Decoderen: %.1f ms", "Décodage : %.1f ms",
      "Decoding: %.1f ms"),
    M(MSG_DIAG_PENDING, "diag_pending", "Nog te synchroniseren: %d", "À synchroniser : %d",
      "Waiting to sync: %d"),
    M(MSG_DIAG_DISK, "diag_disk", "Vrije schijfruimte: %s", "Espace disque libre : %s",
      "Disk free: %s"),
    M(MSG_DIAG_VERSION, "diag_version", "Versie %s", "Version %s", "Version %s"),
    M(MSG_DIAG_DEVICE, "diag_device", "Toestel %s", "Appareil %s", "Device %s"),
    M(MSG_DIAG_UNKNOWN, "diag_unknown", "onbekend", "inconnu", "unknown"),

    M(MSG_OUT_OF_ORDER, "out_of_order", "Buiten gebruik", "Hors service", "Out of order"),
    M(MSG_TROUBLE_CAMERA, "trouble_camera", "Camera werkt niet", "Caméra hors service",
      "Camera not working"),
    M(MSG_TROUBLE_CAMERA_DO, "trouble_camera_do",
      "Scannen met de handscanner werkt nog. Controleer de kabel van de camera.",
      "Le lecteur à main fonctionne encore. Vérifiez le câble de la caméra.",
      "The hand scanner still works. Check the camera's cable."),
    M(MSG_TROUBLE_DATABASE, "trouble_database", "Scans kunnen niet bewaard worden",
      "Impossible d'enregistrer les scans", "Scans cannot be saved"),
    M(MSG_TROUBLE_DATABASE_DO, "trouble_database_do",
      "Controleer de SD-kaart en de vrije ruimte, en herstart de kiosk. Laat intussen "
      "mensen binnen met een papieren lijst.",
      "Vérifiez la carte SD et l'espace libre, puis redémarrez la borne. En attendant, "
      "utilisez une liste papier.",
      "Check the SD card and free space, then restart the kiosk. Meanwhile, use a paper "
      "list."),
    M(MSG_TROUBLE_CLOCK, "trouble_clock", "Klok niet ingesteld", "Horloge non réglée",
      "Clock not set"),
    M(MSG_TROUBLE_CLOCK_DO, "trouble_clock_do",
      "Verbind de kiosk met het netwerk zodat de klok zich instelt, of stel de tijd in en "
      "herstart.",
      "Connectez la borne au réseau pour régler l'horloge, ou réglez l'heure et redémarrez.",
      "Connect the kiosk to the network so its clock is set, or set the time and restart."),
    M(MSG_STAFF_PREFIX, "staff_prefix", "Medewerkers: %s", "Personnel : %s", "Staff: %s"),

    M(MSG_OV_CHECKED_IN, "ov_checked_in", "Ingecheckt", "Enregistrés", "Checked in"),
    M(MSG_OV_INSIDE, "ov_inside", "Nu binnen", "Présents", "Inside now"),
    M(MSG_OV_JUST_NOW, "ov_just_now", "zonet", "à l'instant", "just now"),
    M(MSG_OV_MIN_AGO, "ov_min_ago", "%d min geleden", "il y a %d min", "%d min ago"),
    M(MSG_OV_HOURS_AGO, "ov_hours_ago", "%d u geleden", "il y a %d h", "%d h ago"),
    M(MSG_OV_NO_SCANS, "ov_no_scans", "nog geen scans", "aucun scan", "no scans yet"),
};

/* The message in lang. */
const char *i18n(enum language lang, enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT)
        return "";
    if ((unsigned)lang >= LANG_COUNT)
        lang = LANG_EN;
    const char *s = messages[msg].text[lang];
    if (s == NULL)
        s = messages[msg].text[LANG_EN];
    return s != NULL ? s : "";
}

/* The message as the catalogue holds it. */
const char *i18n_raw(enum language lang, enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT || (unsigned)lang >= LANG_COUNT)
        return NULL;
    return messages[msg].text[lang];
}

/* The message's stable name. */
const char *i18n_name(enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT || messages[msg].name == NULL)
        return "";
    return messages[msg].name;
}

/* The language's own name. */
const char *i18n_language_endonym(enum language lang)
{
    switch (lang) {
    case LANG_NL:
        return "Nederlands";
    case LANG_FR:
        return "Français";
    case LANG_EN:
        break;
    }
    return "English";
}

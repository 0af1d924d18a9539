#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes N attendees (id<TAB>name<TAB>organisation, UTF-8) for bench_lookup: names drawn
from the lists below (given names and family names as they are written in Flanders and
the Netherlands, Wallonia and France, Germany, Poland, Turkey, Vietnam, Scandinavia, Spain
and Portugal, Italy, Greece, and the Arab world), not from Portier's demo generator, with a
fixed seed so that every run measures the same names.
usage: bench/lookup_names.py [N] > names.tsv      (default 30000)
"""
import random
import sys

CULTURES = {
    'nl': ("Pieter Jan Sofie Lotte Wouter Bram Lien Annelies Koen Joris Els Griet Stijn Ruben "
           "Femke Maarten Inge Hilde Tom Nele Dries Jasper Ine Karel Marieke Wim Daan Sanne",
           "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De\u00a0Smet "
           "Van\u00a0den\u00a0Bossche Vanden\u00a0Berghe De\u00a0Vos Van\u00a0Damme Verstraeten "
           "Dierickx Van\u00a0der\u00a0Linden De\u00a0Backer Bogaert Van\u00a0Acker Hermans "
           "Verhoeven Van\u00a0Dijk De\u00a0Jong Bakker Visser Smit Mulder Van\u00a0Leeuwen"),
    'fr': ("Françoise Jérôme Hélène Benoît Amélie Cécile Gaëtan Léa Noël Agnès Théo Maëlle "
           "François Étienne Chloé Anaïs Raphaël Zoé Loïc Inès Céline Frédéric Gisèle",
           "Dieudonné Lefèvre Dubois Lambert Dupont Renard Gérard Leroy Bérénger Fontaine "
           "Rousseau D'Hondt Lemaître Beaufort Chevalier Moreau Ferrand Mercier Bélanger "
           "Delacroix Gauthier Marchand Poirier Thibault"),
    'de': ("Jürgen Günther Käthe Jörg Björn Uwe Sabine Dörte Matthias Ulrike Sönke Bärbel "
           "Tobias Henrike Lukas Anneliese Maximilian Friederike",
           "Straße Müller Schröder Weiß Groß Köhler Schäfer Hoffmann Krüger Böhm Schmitz "
           "Bäcker Fuchs Meißner Vogel Günther Lößl Zimmermann"),
    'pl': ("Łukasz Małgorzata Wojciech Agnieszka Paweł Żaneta Michał Bożena Grzegorz Jędrzej "
           "Katarzyna Krzysztof Zofia Andrzej",
           "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
           "Szymański Woźniak Dąbrowski Kozłowski Jabłoński Mazur"),
    'tr': ("Çağla Şükrü Gökhan Ayşe Özlem İlker Büşra Ömer Yağmur Tuğba Ebru Emre",
           "Çelik Şahin Yılmaz Öztürk Aydın Doğan Kılıç Arslan Koç Kurt Özdemir Güneş"),
    'vi': ("Ngọc\u00a0Anh Minh Thị\u00a0Hương Quốc\u00a0Bảo Thanh\u00a0Hà Đức Văn\u00a0Long "
           "Hoàng\u00a0Yến Tuấn Phương Thu\u00a0Trang Hải",
           "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"),
    'nordic': ("Søren Åsa Bjørn Ærlig Sigrún Þórdís Øystein Mikael Ingrid Kristín Jóhann Eirik",
               "Jørgensen Ærøe Østergaard Åberg Sigurðsson Þórsdóttir Lindqvist Håkansson "
               "Bjørnstad Kristiansen"),
    'es': ("José María Núñez Iñaki Begoña Ángel Lucía Andrés João Conceição Inês Gonçalo",
           "García Fernández Muñoz Peña Ibáñez Gutiérrez Sánchez Rodríguez Gonçalves "
           "Magalhães Simões da\u00a0Silva dos\u00a0Santos"),
    'it': ("Niccolò Giuseppe Chiara Lucia Matteo Ilaria Pietro Federica Raffaele",
           "Rossi Esposito Bianchi Ricci Di\u00a0Stefano D'Angelo Caputo Ferrari Lombardi"),
    'el': ("Γιώργος Ελένη Δημήτρης Μαρία Νίκος Κατερίνα Αλέξανδρος",
           "Παπαδόπουλος Οικονόμου Γεωργίου Νικολάου Καραγιάννης"),
    'ar': ("محمد فاطمة أحمد ليلى يوسف مريم عمر نور",
           "العلي الحسن بن\u00a0علي المصري الشامي الخطيب"),
}
ORGS = ("Zorgraad Limburg;Université de Liège;KU Leuven;Universiteit Gent;AZ Sint-Jan Brugge;"
        "Hôpital Érasme;Charité – Universitätsmedizin Berlin;Uniwersytet Jagielloński;"
        "Bệnh viện Chợ Rẫy;Ørsted A/S;Universidade do Porto;Hacettepe Üniversitesi;"
        "Ziekenhuis Oost-Limburg;Vlaamse Overheid;Mutualité Chrétienne;Fédération Wallonie-Bruxelles;"
        "Zorgnet-Icuro;Sciensano;Universitair Ziekenhuis Antwerpen;CHU Saint-Pierre;"
        "Politecnico di Milano;Αριστοτέλειο Πανεπιστήμιο;جامعة القاهرة;Karolinska Institutet;"
        "Landspítali;Hospital Clínic de Barcelona;UMC Utrecht;Erasmus MC;Imec;Janssen Pharmaceutica").split(';')


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    rng = random.Random(15)
    cultures = [(c, g.split(' '), f.split(' ')) for c, (g, f) in sorted(CULTURES.items())]
    weights = [8 if c in ('nl', 'fr') else 2 for c, _, _ in cultures]
    out = sys.stdout
    for i in range(n):
        _, given, family = rng.choices(cultures, weights)[0]
        name = rng.choice(given)
        if rng.random() < 0.15:
            name += '-' + rng.choice(given)
        name += ' ' + rng.choice(family)
        if rng.random() < 0.1:
            name += '-' + rng.choice(family)
        org = rng.choice(ORGS) if rng.random() < 0.9 else ''
        out.write('L%05d\t%s\t%s\n' % (i + 1, name.replace('\u00a0', ' '), org))


if __name__ == '__main__':
    main()

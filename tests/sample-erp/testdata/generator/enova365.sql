-- Deterministic generator of an enova365 database (SQLite dialect): copies the rows of
-- generator/common.sql into enova's tables (dbo, unqualified names).
-- Contractors: persons are StatusPodmiotu 1 with their main address (Adresy Typ 1, the postcode
-- an integer as enova stores it); the mobile is KontaktTelefonKomorkowy. "Do not collect" is
-- native: Kontrahenci.NieWindykowac and Platnosci.NieWindykowac.
-- Settlements: one payment (Platnosci) per settlement and its row in the settlement index
-- (RozrachunkiIdx, Typ 10 receivable, 11 liability), both with the settlement's number as ID.
INSERT INTO Kontrahenci (ID, Kod, Nazwa, NIP, KontaktEMAIL, KontaktTelefonKomorkowy, StatusPodmiotu,
                         NieWindykowac)
SELECT n, 'K' || n,
       CASE WHEN person = 1 THEN first_name || ' ' || surname ELSE company || ' ' || legal_form END,
       nip, email, mobile, person, flagged
FROM gen_debtor;
INSERT INTO Adresy (ID, Host, HostType, Typ, AdresUlica, AdresNrDomu, AdresNrLokalu, AdresMiejscowosc,
                    AdresKodPocztowy)
SELECT n, n, 'Kontrahenci', 1, street, house_no, flat_no, city,
       CAST(replace(postcode, '-', '') AS INTEGER)
FROM gen_debtor;
INSERT INTO Platnosci (ID, Dokument, DokumentType, Podmiot, NumerDokumentu, DataDokumentu, Termin,
                       Bufor, NieWindykowac)
SELECT n, n, 'DokHandlowe', debtor,
       CASE WHEN liability = 1 THEN 'FZ/' || n || '/2024' ELSE 'FV/' || n || '/2024' END,
       issued, due, 0, CASE WHEN liability = 0 THEN flagged ELSE 0 END
FROM gen_settlement;
INSERT INTO RozrachunkiIdx (ID, Typ, Dokument, DokumentType, Podmiot, PodmiotType, Numer, Data, Termin,
                            KwotaValue, KwotaSymbol, KwotaRozliczonaValue)
SELECT n, CASE WHEN liability = 1 THEN 11 ELSE 10 END, n, 'Platnosci', debtor, 'Kontrahenci',
       CASE WHEN liability = 1 THEN 'FZ/' || n || '/2024' ELSE 'FV/' || n || '/2024' END,
       issued, due, amount / 100.0, currency, (amount - remaining) / 100.0
FROM gen_settlement;
INSERT INTO inkaso_generator (done) VALUES (1);

-- Deterministic generator of a Comarch ERP Optima database (SQLite dialect): copies the rows of
-- generator/common.sql into Optima's tables (schema CDN, an attached file in SQLite).
-- Contractors: persons are "odbiorca finalny" (Knt_Finalny 1) with their address; companies
-- split their name over Knt_Nazwa1/Knt_Nazwa2, every fifth NIP is written with dashes; the mobile
-- is the SMS phone, every tenth company gives a separate collection e-mail. "Do not collect":
-- contractor attribute DeA 5 and document attribute code NIE_WINDYKOWAC (the profile's
-- debtor_attribute_ids / document_attribute_codes must name them).
-- Settlements: one payment-schedule event (BnkZdarzenia) per invoice (TraNag), incoming
-- (Kierunek 1) for receivables, outgoing without a document for liabilities; paid ones are
-- Rozliczono 2; EUR events carry the PLN equivalent at 4.30 in BZd_KwotaSys.
INSERT INTO CDN.Kontrahenci (Knt_KntId, Knt_PodmiotTyp, Knt_Kod, Knt_Nazwa1, Knt_Nazwa2, Knt_Ulica,
                             Knt_NrDomu, Knt_NrLokalu, Knt_Miasto, Knt_KodPocztowy, Knt_NipKraj,
                             Knt_Nip, Knt_Telefon1, Knt_TelefonSms, Knt_Email, Knt_Finalny,
                             Knt_WindykacjaEMail)
SELECT n, 1, 'K' || n,
       CASE WHEN person = 1 THEN first_name || ' ' || surname ELSE company END,
       CASE WHEN person = 1 THEN '' ELSE legal_form END,
       street, house_no, flat_no, city, postcode,
       CASE WHEN person = 1 THEN '' ELSE 'PL' END,
       CASE WHEN n % 5 = 0 AND nip <> ''
            THEN substr(nip, 1, 3) || '-' || substr(nip, 4, 3) || '-' || substr(nip, 7, 2) || '-' || substr(nip, 9)
            ELSE nip END,
       landline, mobile, email, person,
       CASE WHEN person = 0 AND n % 10 = 1 THEN 'windykacja@firma' || n || '.pl' ELSE '' END
FROM gen_debtor;
INSERT INTO CDN.DefAtrybuty (DeA_DeAId, DeA_Kod, DeA_Nazwa) VALUES
 (5, 'NIE_WINDYKOWAC', 'Nie windykować (kontrahent)'),
 (6, 'NIE_WINDYKOWAC', 'Nie windykować (dokument)'),
 (7, 'OPIEKUN', 'Opiekun handlowy');
INSERT INTO CDN.KntAtrybuty (KnA_KnAId, KnA_PodmiotTyp, KnA_PodmiotId, KnA_DeAId)
SELECT n, 1, n, 5 FROM gen_debtor WHERE flagged = 1;
INSERT INTO CDN.TraNag (TrN_TrNID, TrN_TypDokumentu, TrN_Rodzaj, TrN_NumerPelny, TrN_DataDok,
                        TrN_Termin, TrN_PodmiotTyp, TrN_PodID, TrN_Bufor, TrN_Anulowany)
SELECT n, 302, 302000, 'FA/' || n || '/2024', issued, due, 1, debtor, 0, 0
FROM gen_settlement WHERE liability = 0;
INSERT INTO CDN.DokAtrybuty (DAt_DAtID, DAt_TrNId, DAt_Kod, DAt_WartoscDecimal)
SELECT n, n, 'NIE_WINDYKOWAC', 1 FROM gen_settlement WHERE liability = 0 AND flagged = 1;
INSERT INTO CDN.BnkZdarzenia (BZd_BZdID, BZd_Kierunek, BZd_PodmiotTyp, BZd_PodmiotID, BZd_DokumentTyp,
                              BZd_DokumentID, BZd_NumerPelny, BZd_DataDok, BZd_Termin, BZd_Kwota,
                              BZd_KwotaSys, BZd_KwotaRoz, BZd_KwotaRozSys, BZd_Waluta,
                              BZd_Rozliczono, BZd_Stan)
SELECT n,
       CASE WHEN liability = 1 THEN -1 ELSE 1 END,
       1, debtor,
       CASE WHEN liability = 1 THEN 0 ELSE 1 END,
       CASE WHEN liability = 1 THEN 0 ELSE n END,
       CASE WHEN liability = 1 THEN 'FZ/' || n || '/2024' ELSE 'FA/' || n || '/2024' END,
       issued, due,
       amount / 100.0,
       CASE WHEN currency = 'EUR' THEN amount * 43 / 10 / 100.0 ELSE amount / 100.0 END,
       (amount - remaining) / 100.0,
       CASE WHEN currency = 'EUR' THEN (amount - remaining) * 43 / 10 / 100.0 ELSE (amount - remaining) / 100.0 END,
       CASE WHEN currency = 'EUR' THEN 'EUR' ELSE '' END,
       CASE WHEN remaining = 0 THEN 2 ELSE 1 END,
       1
FROM gen_settlement;
INSERT INTO inkaso_generator (done) VALUES (1);

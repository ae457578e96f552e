-- Deterministic generator of an Asseco WAPRO Mag database (SQLite dialect): copies the rows of
-- generator/common.sql into WAPRO's tables (dbo, unqualified names). Dates are Clarion day
-- numbers: 81453 = 2024-01-01. One company (ID_FIRMY 1).
-- Contractors: persons have no NIP (every second one a PESEL), companies a NIP; one phone,
-- TELEFON_FIRMOWY: the mobile when there is one, else the landline. WAPRO has no "do not
-- collect" flag the profile reads; the contractors the common rows flag become payment
-- operators (OPERATOR_PLATNOSCI) or internal contractors (WEWNETRZNY), which the profile never
-- treats as debtors.
-- Settlements (ROZRACHUNEK): STRONA WN receivables and MA liabilities; CZY_ROZLICZONY 0 open,
-- 1 partly, 2 settled; EUR rows carry the currency amounts in KWOTA_W/POZOSTALO_W and the PLN
-- equivalent at 4.30 in KWOTA/POZOSTALO.
INSERT INTO KONTRAHENT (ID_KONTRAHENTA, ID_FIRMY, KOD_KONTRAHENTA, NAZWA, NAZWA_PELNA, NIP, PESEL,
                        ADRES_EMAIL, TELEFON_FIRMOWY, ULICA_LOKAL, MIEJSCOWOSC, KOD_POCZTOWY,
                        OPERATOR_PLATNOSCI, WEWNETRZNY)
SELECT n, 1, 'K' || n,
       CASE WHEN person = 1 THEN surname || ' ' || first_name ELSE company END,
       CASE WHEN person = 1 THEN first_name || ' ' || surname ELSE company || ' ' || legal_form END,
       nip,
       CASE WHEN person = 1 AND n % 2 = 0 THEN printf('%011d', 80010100000 + n % 100000) ELSE '' END,
       email,
       CASE WHEN mobile <> '' THEN mobile ELSE landline END,
       'ul. ' || street || ' ' || house_no || CASE WHEN flat_no = '' THEN '' ELSE '/' || flat_no END,
       city, postcode,
       CASE WHEN flagged = 1 AND n % 2 = 0 THEN '1' ELSE '0' END,
       CASE WHEN flagged = 1 AND n % 2 = 1 THEN '1' ELSE '0' END
FROM gen_debtor;
INSERT INTO ROZRACHUNEK (ID_ROZRACHUNKU, ID_FIRMY, ID_KONTRAHENTA, TYP_DOK, STRONA, RODZAJ, NR_DOK,
                         DATA_DOK, TERMIN_PLATNOSCI, KWOTA, KWOTA_W, POZOSTALO, POZOSTALO_W,
                         SYM_WALUTY, CZY_ROZLICZONY)
SELECT n, 1, debtor, 'h',
       CASE WHEN liability = 1 THEN 'MA' ELSE 'WN' END,
       CASE WHEN liability = 1 THEN 'Z' ELSE 'N' END,
       CASE WHEN liability = 1 THEN 'FZ ' || n || '/2024' ELSE 'FV ' || n || '/2024' END,
       81453 + day, 81467 + day,
       CASE WHEN currency = 'EUR' THEN amount * 43 / 10 / 100.0 ELSE amount / 100.0 END,
       CASE WHEN currency = 'EUR' THEN amount / 100.0 ELSE 0 END,
       CASE WHEN currency = 'EUR' THEN remaining * 43 / 10 / 100.0 ELSE remaining / 100.0 END,
       CASE WHEN currency = 'EUR' THEN remaining / 100.0 ELSE 0 END,
       currency,
       CASE WHEN remaining = 0 THEN 2 WHEN remaining < amount THEN 1 ELSE 0 END
FROM gen_settlement;
INSERT INTO inkaso_generator (done) VALUES (1);

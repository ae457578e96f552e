-- Deterministic generator of a large Subiekt GT database (SQLite dialect), run by
-- inkaso_connectors::sample::generate_gt after testdata/subiekt_gt/schema.sql.
-- {{debtors}}, {{settlements}} and {{seed}} are numbers filled in by the generator.
-- Pseudo-random values come from a multiplicative hash of the row number and the seed.
-- Shape: a third of the contractors are persons, 70 % have an e-mail, 60 % a mobile; about 10 %
-- of generated NIPs fail the checksum; 1 % of contractors carry the "do not collect" flag 7.
-- Settlements: 5 % liabilities, 20 % paid, 30 % partly paid, 3 % in EUR, due dates over 2024-25.
CREATE TABLE inkaso_generator (done INT NOT NULL);
INSERT INTO kh__Kontrahent (kh_Id, kh_Symbol, kh_EMail, kh_Osoba)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{debtors}})
SELECT n, 'K' || n,
       CASE WHEN (n * 2654435761 + {{seed}}) % 10 < 7 THEN 'kontrahent' || n || '@przyklad.pl' ELSE '' END,
       CASE WHEN n % 3 = 0 THEN 1 ELSE 0 END
FROM seq;
INSERT INTO adr__Ewid (adr_Id, adr_IdObiektu, adr_TypAdresu, adr_Nazwa, adr_NazwaPelna, adr_Telefon,
                       adr_Adres, adr_Kod, adr_Miejscowosc, adr_NIP)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{debtors}}),
     nip(n, m) AS (SELECT n, 100000000 + (n * 7919 + {{seed}}) % 899999999 FROM seq),
     chk(n, m, c) AS (
       SELECT n, m, (6 * (m / 100000000 % 10) + 5 * (m / 10000000 % 10) + 7 * (m / 1000000 % 10)
                   + 2 * (m / 100000 % 10) + 3 * (m / 10000 % 10) + 4 * (m / 1000 % 10)
                   + 5 * (m / 100 % 10) + 6 * (m / 10 % 10) + 7 * (m % 10)) % 11
       FROM nip)
SELECT n, n, 1, 'K' || n,
       CASE WHEN n % 3 = 0 THEN 'Łukasz Wiśniewski ' || n
            ELSE 'Przedsiębiorstwo Handlowe „Żuraw” nr ' || n || ' Sp. z o.o.' END,
       '22 ' || (1000000 + (n * 31) % 8999999),
       'ul. Źródlana ' || (n % 200 + 1) || '/' || (n % 30 + 1),
       printf('%02d-%03d', n % 100, n % 1000),
       CASE n % 4 WHEN 0 THEN 'Kraków' WHEN 1 THEN 'Łódź' WHEN 2 THEN 'Gdańsk' ELSE 'Warszawa' END,
       CASE WHEN n % 3 = 0 THEN '' WHEN c = 10 THEN m || '0' ELSE m || c END
FROM chk;
INSERT INTO tel__Ewid (tel_Id, tel_IdAdresu, tel_Numer, tel_Podstawowy, tel_SMS)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{debtors}})
SELECT n, n, '6' || (10000000 + (n * 7919 + {{seed}}) % 89999999), 1, 1
FROM seq WHERE (n * 40503 + {{seed}}) % 10 < 6;
INSERT INTO fl__Flagi (flg_Id, flg_Numer, flg_Text, flg_IdGrupy) VALUES (7, 1, 'Nie windykować', 3);
INSERT INTO fl_Wartosc (flw_IdGrupyFlag, flw_TypObiektu, flw_IdObiektu, flw_IdFlagi)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{debtors}})
SELECT 3, 1, n, 7 FROM seq WHERE (n * 69069 + {{seed}}) % 100 = 0;
INSERT INTO sl_FormaPlatnosci (fp_Id, fp_Nazwa, fp_CentId, fp_InstKredytId) VALUES (1, 'gotówka', NULL, NULL);
INSERT INTO dok__Dokument (dok_Id, dok_Typ, dok_NrPelny, dok_DataWyst, dok_PlatnikId, dok_PlatTermin, dok_WartBrutto, dok_Waluta)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{settlements}})
SELECT n, 2, 'FS ' || n || '/2024', date('2024-01-01', '+' || ((n * 48271) % 600) || ' days'),
       1 + (n * 2654435761 + {{seed}}) % {{debtors}},
       date('2024-01-15', '+' || ((n * 48271) % 600) || ' days'),
       ((n * 16807 + {{seed}}) % 500000 + 100) / 100.0, 'PLN'
FROM seq;
INSERT INTO nz__Finanse (nzf_Id, nzf_Typ, nzf_Podtyp, nzf_TypObiektu, nzf_IdObiektu, nzf_IdDokumentAuto,
                         nzf_NumerPelny, nzf_Data, nzf_TerminPlatnosci, nzf_WartoscPierwotna,
                         nzf_WartoscPierwotnaWaluta, nzf_Wartosc, nzf_WartoscWaluta, nzf_IdWaluty)
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{settlements}}),
     v(n, amount, state) AS (
       SELECT n, ((n * 16807 + {{seed}}) % 500000 + 100), (n * 1103515245 + {{seed}}) % 100 FROM seq)
SELECT n,
       CASE WHEN state < 5 THEN 40 ELSE 39 END,
       1, 1,
       1 + (n * 2654435761 + {{seed}}) % {{debtors}},
       n,
       'FS ' || n || '/2024',
       date('2024-01-01', '+' || ((n * 48271) % 600) || ' days'),
       date('2024-01-15', '+' || ((n * 48271) % 600) || ' days'),
       amount / 100.0, amount / 100.0,
       CASE WHEN state < 25 THEN 0 WHEN state < 55 THEN (amount / 2) / 100.0 ELSE amount / 100.0 END,
       CASE WHEN state < 25 THEN 0 WHEN state < 55 THEN (amount / 2) / 100.0 ELSE amount / 100.0 END,
       CASE WHEN state >= 97 THEN 'EUR' ELSE 'PLN' END
FROM v;
INSERT INTO inkaso_generator (done) VALUES (1);

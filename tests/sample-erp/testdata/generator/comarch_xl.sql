-- Deterministic generator of a Comarch ERP XL database (SQLite dialect): copies the rows of
-- generator/common.sql into XL's tables (schema CDN, an attached file in SQLite). Dates are
-- Clarion day numbers: 81453 = 2024-01-01.
-- Contractors (Knt_GIDTyp 32): persons are Knt_Osoba 1; the mobile is Knt_Telefon2, the landline
-- Knt_Telefon1; house and flat number share Knt_Adres. XL has no "do not collect" marker the
-- profile reads, so the common rows' flags are not used.
-- Settlements: every tenth settlement row is the second instalment (TrP_GIDLp 2, due 30 days
-- after the first) of the invoice before it, so the number of TraPlat rows is the spec's;
-- receivables are FS invoices (GIDTyp 2033, TrP_Typ 2), every eleventh invoice a receipt PA
-- (2041, series A); liabilities are purchase invoices FZ (1521, TrP_Typ 1). The row number
-- is TrP_GIDNumer + TrP_GIDLp - 1.
INSERT INTO CDN.KntKarty (Knt_GIDTyp, Knt_GIDNumer, Knt_Akronim, Knt_Nazwa1, Knt_Nazwa2, Knt_KodP,
                          Knt_Miasto, Knt_Ulica, Knt_Adres, Knt_Nip, Knt_Telefon1, Knt_Telefon2,
                          Knt_EMail, Knt_Osoba)
SELECT 32, n, 'K' || n,
       CASE WHEN person = 1 THEN first_name || ' ' || surname ELSE company END,
       CASE WHEN person = 1 THEN '' ELSE legal_form END,
       postcode, city, 'ul. ' || street,
       house_no || CASE WHEN flat_no = '' THEN '' ELSE '/' || flat_no END,
       nip, landline, mobile, email, person
FROM gen_debtor;
INSERT INTO CDN.Obiekty (OB_GIDTyp, OB_Skrot) VALUES (2033, 'FS'), (2041, 'PA'), (1521, 'FZ');
CREATE TEMP TABLE gen_xl AS
SELECT s.n AS n,
       CASE WHEN s.n % 10 = 0 THEN s.n - 1 ELSE s.n END AS doc,
       CASE WHEN s.n % 10 = 0 THEN 2 ELSE 1 END AS lp,
       s.amount AS amount, s.remaining AS remaining, p.currency AS currency,
       p.liability AS liability, p.debtor AS debtor, p.day AS day
FROM gen_settlement s
JOIN gen_settlement p ON p.n = CASE WHEN s.n % 10 = 0 THEN s.n - 1 ELSE s.n END;
INSERT INTO CDN.TraNag (TrN_GIDTyp, TrN_GIDNumer, TrN_TrNNumer, TrN_TrNRok, TrN_TrNSeria, TrN_Data2, TrN_Stan)
SELECT CASE WHEN liability = 1 THEN 1521 WHEN doc % 11 = 0 THEN 2041 ELSE 2033 END,
       doc, doc, 2024 + day / 366,
       CASE WHEN liability = 0 AND doc % 11 = 0 THEN 'A' ELSE '' END,
       81453 + day, 3
FROM gen_xl WHERE lp = 1;
INSERT INTO CDN.TraPlat (TrP_GIDTyp, TrP_GIDNumer, TrP_GIDLp, TrP_Typ, TrP_KntTyp, TrP_KntNumer,
                         TrP_Rozliczona, TrP_Kwota, TrP_Pozostaje, TrP_Waluta, TrP_Termin)
SELECT CASE WHEN liability = 1 THEN 1521 WHEN doc % 11 = 0 THEN 2041 ELSE 2033 END,
       doc, lp,
       CASE WHEN liability = 1 THEN 1 ELSE 2 END,
       32, debtor,
       CASE WHEN remaining = 0 THEN 1 ELSE 0 END,
       amount / 100.0, remaining / 100.0,
       CASE WHEN currency = 'EUR' THEN 'EUR' ELSE '' END,
       81467 + day + 30 * (lp - 1)
FROM gen_xl;
INSERT INTO inkaso_generator (done) VALUES (1);

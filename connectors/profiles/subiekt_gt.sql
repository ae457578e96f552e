-- Subiekt GT / Navireo (InsERT): open receivables (nz__Finanse, nzf_Typ = 39) of contractors.
-- Research: erp-schemas.md §2. Portable SQL (SQL Server, PostgreSQL, SQLite 3.40), no CONCAT.
-- {{debtor_flag_ids}} / {{document_flag_ids}} expand to bound parameters (`?, ?`), never to values.
-- excluded_flag: 1 = contractor flag, 2 = document flag, 0 = collectable.
SELECT
  k.kh_Id                                              AS debtor_external_id,
  a.adr_NazwaPelna                                     AS debtor_name,
  NULLIF(a.adr_NIP, '')                                AS debtor_nip,
  NULLIF(k.kh_EMail, '')                               AS debtor_email,
  COALESCE(
    (SELECT MIN(t.tel_Numer) FROM tel__Ewid t
      WHERE t.tel_IdAdresu = a.adr_Id AND t.tel_SMS = 1 AND t.tel_Numer <> ''),
    (SELECT MIN(t.tel_Numer) FROM tel__Ewid t
      WHERE t.tel_IdAdresu = a.adr_Id AND t.tel_Podstawowy = 1 AND t.tel_Numer <> ''),
    NULLIF(a.adr_Telefon, ''))                         AS debtor_phone,
  CASE WHEN k.kh_Osoba = 1 THEN 1 ELSE 0 END           AS debtor_is_person,
  CASE WHEN k.kh_Osoba = 1 THEN a.adr_Adres END        AS debtor_street,
  CASE WHEN k.kh_Osoba = 1 THEN a.adr_Miejscowosc END  AS debtor_city,
  CASE WHEN k.kh_Osoba = 1 THEN a.adr_Kod END          AS debtor_postcode,
  f.nzf_Id                                             AS doc_external_id,
  COALESCE(d.dok_NrPelny, f.nzf_NumerPelny)            AS doc_number,
  COALESCE(d.dok_DataWyst, f.nzf_Data)                 AS issue_date,
  f.nzf_TerminPlatnosci                                AS due_date,
  f.nzf_WartoscPierwotnaWaluta                         AS gross_amount,
  f.nzf_WartoscWaluta                                  AS remaining_amount,
  f.nzf_IdWaluty                                       AS currency,
  CASE WHEN EXISTS (SELECT 1 FROM fl_Wartosc w
                     WHERE w.flw_IdFlagi IN ({{debtor_flag_ids}})
                       AND w.flw_IdObiektu = k.kh_Id) THEN 1
       WHEN EXISTS (SELECT 1 FROM fl_Wartosc w
                     WHERE w.flw_IdFlagi IN ({{document_flag_ids}})
                       AND w.flw_IdObiektu = d.dok_Id) THEN 2
       ELSE 0 END                                      AS excluded_flag
FROM nz__Finanse f
JOIN kh__Kontrahent k ON k.kh_Id = f.nzf_IdObiektu
LEFT JOIN adr__Ewid a ON a.adr_IdObiektu = k.kh_Id AND a.adr_TypAdresu = 1
LEFT JOIN dok__Dokument d ON d.dok_Id = f.nzf_IdDokumentAuto
WHERE f.nzf_Typ = 39
  AND f.nzf_TypObiektu = 1
  AND f.nzf_Wartosc > 0
  AND k.kh_CentrumAut = 0
  AND k.kh_InstKredytowa = 0
  AND k.kh_Id NOT IN (SELECT fp.fp_CentId FROM sl_FormaPlatnosci fp WHERE fp.fp_CentId IS NOT NULL
                      UNION
                      SELECT fp.fp_InstKredytId FROM sl_FormaPlatnosci fp WHERE fp.fp_InstKredytId IS NOT NULL)
ORDER BY k.kh_Id, f.nzf_TerminPlatnosci

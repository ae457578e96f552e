-- Comarch ERP Optima: open incoming payments of the payment schedule (CDN.BnkZdarzenia).
-- Research: erp-schemas.md §3. Names and street parts are returned separately and joined in
-- Rust (no CONCAT on SQLite 3.40 / SQL Server < 2012).
-- {{debtor_attribute_ids}}: KnA_DeAId of the contractor attribute; {{document_attribute_codes}}:
-- DAt_Kod of the document attribute. Bound parameters.
SELECT
  k.Knt_KntId                                                    AS debtor_external_id,
  k.Knt_Nazwa1                                                   AS debtor_name,
  NULLIF(k.Knt_Nazwa2, '')                                       AS debtor_name2,
  NULLIF(k.Knt_Nazwa3, '')                                       AS debtor_name3,
  COALESCE(NULLIF(k.Knt_Nip, ''), NULLIF(k.Knt_NipE, ''))        AS debtor_nip,
  COALESCE(NULLIF(k.Knt_WindykacjaEMail, ''), NULLIF(k.Knt_Email, ''))
                                                                 AS debtor_email,
  COALESCE(NULLIF(k.Knt_WindykacjaTelefonSms, ''), NULLIF(k.Knt_TelefonSms, ''),
           NULLIF(k.Knt_Telefon1, ''), NULLIF(k.Knt_Telefon2, ''))
                                                                 AS debtor_phone,
  CASE WHEN k.Knt_Finalny = 1 THEN 1 ELSE 0 END                  AS debtor_is_person,
  CASE WHEN k.Knt_Finalny = 1 THEN k.Knt_Ulica END               AS debtor_street,
  CASE WHEN k.Knt_Finalny = 1 THEN NULLIF(k.Knt_NrDomu, '') END  AS debtor_house_no,
  CASE WHEN k.Knt_Finalny = 1 THEN NULLIF(k.Knt_NrLokalu, '') END
                                                                 AS debtor_flat_no,
  CASE WHEN k.Knt_Finalny = 1 THEN k.Knt_Miasto END              AS debtor_city,
  CASE WHEN k.Knt_Finalny = 1 THEN k.Knt_KodPocztowy END         AS debtor_postcode,
  z.BZd_BZdID                                                    AS doc_external_id,
  COALESCE(t.TrN_NumerPelny, z.BZd_NumerPelny)                   AS doc_number,
  COALESCE(t.TrN_DataDok, z.BZd_DataDok)                         AS issue_date,
  z.BZd_Termin                                                   AS due_date,
  z.BZd_Kwota                                                    AS gross_amount,
  z.BZd_Kwota - z.BZd_KwotaRoz                                   AS remaining_amount,
  COALESCE(NULLIF(z.BZd_Waluta, ''), 'PLN')                      AS currency,
  CASE WHEN EXISTS (SELECT 1 FROM CDN.KntAtrybuty ka
                     WHERE ka.KnA_PodmiotTyp = 1 AND ka.KnA_PodmiotId = k.Knt_KntId
                       AND ka.KnA_DeAId IN ({{debtor_attribute_ids}})) THEN 1
       WHEN EXISTS (SELECT 1 FROM CDN.DokAtrybuty da
                     WHERE da.DAt_TrNId = t.TrN_TrNID
                       AND da.DAt_Kod IN ({{document_attribute_codes}})) THEN 2
       ELSE 0 END                                                AS excluded_flag
FROM CDN.BnkZdarzenia z
JOIN CDN.Kontrahenci k  ON k.Knt_KntId = z.BZd_PodmiotID AND z.BZd_PodmiotTyp = 1
LEFT JOIN CDN.TraNag t  ON t.TrN_TrNID = z.BZd_DokumentID AND z.BZd_DokumentTyp = 1
WHERE z.BZd_Kierunek = 1
  AND z.BZd_Rozliczono < 2
  AND z.BZd_Stan > 0
  AND z.BZd_Kwota - z.BZd_KwotaRoz > 0
  AND (t.TrN_TrNID IS NULL OR (t.TrN_Bufor = 0 AND t.TrN_Anulowany = 0))
ORDER BY k.Knt_KntId, z.BZd_Termin

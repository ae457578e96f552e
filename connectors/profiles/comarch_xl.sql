-- Comarch ERP XL: open receivable instalments (CDN.TraPlat). Research: erp-schemas.md §4.
-- Dates are Clarion day numbers (converted in Rust). The document number is composed in Rust
-- from its parts as SYMBOL-number/yy/series. doc_external_id packs the composite key
-- (GIDNumer * 10000 + GIDTyp) * 1000 + GIDLp.
SELECT
  k.Knt_GIDNumer                                                 AS debtor_external_id,
  k.Knt_Nazwa1                                                   AS debtor_name,
  NULLIF(k.Knt_Nazwa2, '')                                       AS debtor_name2,
  NULLIF(k.Knt_Nazwa3, '')                                       AS debtor_name3,
  COALESCE(NULLIF(k.Knt_Nip, ''), NULLIF(k.Knt_NipE, ''))        AS debtor_nip,
  NULLIF(k.Knt_EMail, '')                                        AS debtor_email,
  COALESCE(NULLIF(k.Knt_Telefon2, ''), NULLIF(k.Knt_Telefon1, ''))
                                                                 AS debtor_phone,
  CASE WHEN k.Knt_Osoba = 1 THEN 1 ELSE 0 END                    AS debtor_is_person,
  CASE WHEN k.Knt_Osoba = 1 THEN k.Knt_Ulica END                 AS debtor_street,
  CASE WHEN k.Knt_Osoba = 1 THEN NULLIF(k.Knt_Adres, '') END     AS debtor_house_no,
  CASE WHEN k.Knt_Osoba = 1 THEN k.Knt_Miasto END                AS debtor_city,
  CASE WHEN k.Knt_Osoba = 1 THEN k.Knt_KodP END                  AS debtor_postcode,
  (CAST(p.TrP_GIDNumer AS BIGINT) * 10000 + p.TrP_GIDTyp) * 1000 + p.TrP_GIDLp
                                                                 AS doc_external_id,
  o.OB_Skrot                                                     AS doc_number_symbol,
  n.TrN_TrNNumer                                                 AS doc_number_seq,
  n.TrN_TrNRok                                                   AS doc_number_year,
  NULLIF(n.TrN_TrNSeria, '')                                     AS doc_number_series,
  n.TrN_Data2                                                    AS issue_date,
  p.TrP_Termin                                                   AS due_date,
  p.TrP_Kwota                                                    AS gross_amount,
  p.TrP_Pozostaje                                                AS remaining_amount,
  COALESCE(NULLIF(p.TrP_Waluta, ''), 'PLN')                      AS currency,
  0                                                              AS excluded_flag
FROM CDN.TraPlat p
JOIN CDN.TraNag n    ON n.TrN_GIDTyp = p.TrP_GIDTyp AND n.TrN_GIDNumer = p.TrP_GIDNumer
JOIN CDN.KntKarty k  ON k.Knt_GIDTyp = p.TrP_KntTyp AND k.Knt_GIDNumer = p.TrP_KntNumer
LEFT JOIN CDN.Obiekty o ON o.OB_GIDTyp = p.TrP_GIDTyp
WHERE p.TrP_Typ = 2
  AND p.TrP_KntTyp = 32
  AND p.TrP_Rozliczona = 0
  AND p.TrP_Pozostaje > 0
  AND p.TrP_GIDTyp IN (2033, 2034, 2035, 2037, 1824, 2041, 2042, 2043, 2045)
ORDER BY k.Knt_GIDNumer, p.TrP_Termin

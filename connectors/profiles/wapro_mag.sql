-- Asseco WAPRO Mag (WF-MAG): open receivables (ROZRACHUNEK, STRONA = 'WN').
-- Research: erp-schemas.md §6. Dates are Clarion day numbers (converted in Rust).
-- {{company_id}}: ID_FIRMY in multi-company databases; -1 = all companies. Bound parameters.
SELECT
  k.ID_KONTRAHENTA                                               AS debtor_external_id,
  COALESCE(NULLIF(k.NAZWA_PELNA, ''), k.NAZWA)                   AS debtor_name,
  NULLIF(k.NIP, '')                                              AS debtor_nip,
  NULLIF(k.ADRES_EMAIL, '')                                      AS debtor_email,
  NULLIF(k.TELEFON_FIRMOWY, '')                                  AS debtor_phone,
  CASE WHEN COALESCE(k.PESEL, '') <> '' OR COALESCE(k.NIP, '') = '' THEN 1 ELSE 0 END
                                                                 AS debtor_is_person,
  CASE WHEN COALESCE(k.PESEL, '') <> '' OR COALESCE(k.NIP, '') = '' THEN k.ULICA_LOKAL END
                                                                 AS debtor_street,
  CASE WHEN COALESCE(k.PESEL, '') <> '' OR COALESCE(k.NIP, '') = '' THEN k.MIEJSCOWOSC END
                                                                 AS debtor_city,
  CASE WHEN COALESCE(k.PESEL, '') <> '' OR COALESCE(k.NIP, '') = '' THEN k.KOD_POCZTOWY END
                                                                 AS debtor_postcode,
  r.ID_ROZRACHUNKU                                               AS doc_external_id,
  r.NR_DOK                                                       AS doc_number,
  r.DATA_DOK                                                     AS issue_date,
  r.TERMIN_PLATNOSCI                                             AS due_date,
  CASE WHEN COALESCE(r.SYM_WALUTY, 'PLN') IN ('', 'PLN') THEN ABS(r.KWOTA) ELSE ABS(r.KWOTA_W) END
                                                                 AS gross_amount,
  CASE WHEN COALESCE(r.SYM_WALUTY, 'PLN') IN ('', 'PLN') THEN ABS(r.POZOSTALO) ELSE ABS(r.POZOSTALO_W) END
                                                                 AS remaining_amount,
  COALESCE(NULLIF(r.SYM_WALUTY, ''), 'PLN')                      AS currency,
  0                                                              AS excluded_flag
FROM ROZRACHUNEK r
JOIN KONTRAHENT k ON k.ID_KONTRAHENTA = r.ID_KONTRAHENTA
WHERE r.STRONA = 'WN'
  AND r.CZY_ROZLICZONY < 2
  AND r.POZOSTALO <> 0
  AND COALESCE(k.OPERATOR_PLATNOSCI, '0') <> '1'
  AND COALESCE(k.WEWNETRZNY, '0') <> '1'
  AND ({{company_id}} < 0 OR r.ID_FIRMY = {{company_id}})
ORDER BY k.ID_KONTRAHENTA, r.TERMIN_PLATNOSCI

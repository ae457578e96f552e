-- Subiekt GT test schema for PostgreSQL: schema.sql with BIT -> SMALLINT, MONEY -> NUMERIC(19,4),
-- DATETIME -> TIMESTAMP (PostgreSQL has no BIT/MONEY/DATETIME with SQL Server semantics).
-- Keep the two files in step.
CREATE TABLE kh__Kontrahent (
  kh_Id            INT          NOT NULL PRIMARY KEY,
  kh_Symbol        VARCHAR(20)  NOT NULL,
  kh_EMail         VARCHAR(255) NOT NULL DEFAULT '',
  kh_Osoba         SMALLINT          NOT NULL DEFAULT 0,
  kh_CentrumAut    SMALLINT          NOT NULL DEFAULT 0,
  kh_InstKredytowa SMALLINT          NOT NULL DEFAULT 0,
  kh_Zablokowany   SMALLINT          NOT NULL DEFAULT 0,
  kh_Imie          VARCHAR(20)  NOT NULL DEFAULT '',
  kh_Nazwisko      VARCHAR(51)  NOT NULL DEFAULT '',
  kh_DataZmiany    TIMESTAMP     NULL
);
CREATE TABLE adr__Ewid (
  adr_Id          INT          NOT NULL PRIMARY KEY,
  adr_IdObiektu   INT          NOT NULL,
  adr_TypAdresu   INT          NOT NULL,
  adr_Nazwa       VARCHAR(50)  NOT NULL DEFAULT '',
  adr_NazwaPelna  VARCHAR(255) NOT NULL DEFAULT '',
  adr_Telefon     VARCHAR(35)  NOT NULL DEFAULT '',
  adr_Ulica       VARCHAR(60)  NOT NULL DEFAULT '',
  adr_NrDomu      VARCHAR(10)  NOT NULL DEFAULT '',
  adr_NrLokalu    VARCHAR(10)  NOT NULL DEFAULT '',
  adr_Adres       VARCHAR(100) NOT NULL DEFAULT '',
  adr_Kod         VARCHAR(8)   NOT NULL DEFAULT '',
  adr_Miejscowosc VARCHAR(40)  NOT NULL DEFAULT '',
  adr_NIP         VARCHAR(20)  NOT NULL DEFAULT '',
  adr_DataZmiany  TIMESTAMP     NULL
);
CREATE INDEX adr_obiekt ON adr__Ewid (adr_IdObiektu, adr_TypAdresu);
CREATE TABLE tel__Ewid (
  tel_Id         INT         NOT NULL PRIMARY KEY,
  tel_IdAdresu   INT         NOT NULL,
  tel_Faks       SMALLINT         NOT NULL DEFAULT 0,
  tel_Rodzaj     INT         NOT NULL DEFAULT 0,
  tel_Nazwa      VARCHAR(50) NOT NULL DEFAULT '',
  tel_Numer      VARCHAR(35) NOT NULL DEFAULT '',
  tel_Podstawowy SMALLINT         NOT NULL DEFAULT 0,
  tel_SMS        SMALLINT         NOT NULL DEFAULT 0
);
CREATE INDEX tel_adres ON tel__Ewid (tel_IdAdresu);
CREATE TABLE dok__Dokument (
  dok_Id          INT         NOT NULL PRIMARY KEY,
  dok_Typ         INT         NOT NULL,
  dok_Podtyp      INT         NOT NULL DEFAULT 0,
  dok_NrPelny     VARCHAR(30) NOT NULL,
  dok_DataWyst    TIMESTAMP    NOT NULL,
  dok_PlatnikId   INT         NULL,
  dok_PlatTermin  TIMESTAMP    NULL,
  dok_WartBrutto  NUMERIC(19,4)       NOT NULL DEFAULT 0,
  dok_Waluta      CHAR(3)     NULL,
  dok_Status      INT         NOT NULL DEFAULT 1,
  dok_Rozliczony  SMALLINT         NOT NULL DEFAULT 0
);
CREATE TABLE nz__Finanse (
  nzf_Id                     INT         NOT NULL PRIMARY KEY,
  nzf_Typ                    INT         NOT NULL,
  nzf_Podtyp                 INT         NULL,
  nzf_TypObiektu             INT         NOT NULL,
  nzf_IdObiektu              INT         NULL,
  nzf_IdDokumentAuto         INT         NULL,
  nzf_NumerPelny             VARCHAR(50) NULL,
  nzf_Data                   TIMESTAMP    NOT NULL,
  nzf_TerminPlatnosci        TIMESTAMP    NULL,
  nzf_WartoscPierwotna       NUMERIC(19,4)       NOT NULL,
  nzf_WartoscPierwotnaWaluta NUMERIC(19,4)       NOT NULL,
  nzf_Wartosc                NUMERIC(19,4)       NOT NULL,
  nzf_WartoscWaluta          NUMERIC(19,4)       NOT NULL,
  nzf_IdWaluty               CHAR(3)     NOT NULL,
  nzf_Status                 INT         NOT NULL DEFAULT 1,
  nzf_DataOstatniejSplaty    TIMESTAMP    NULL
);
CREATE INDEX nzf_obiekt ON nz__Finanse (nzf_IdObiektu, nzf_TerminPlatnosci);
CREATE TABLE sl_FormaPlatnosci (
  fp_Id           INT NOT NULL PRIMARY KEY,
  fp_Nazwa        VARCHAR(50) NOT NULL DEFAULT '',
  fp_CentId       INT NULL,
  fp_InstKredytId INT NULL
);
CREATE TABLE fl__Flagi (
  flg_Id      INT          NOT NULL PRIMARY KEY,
  flg_Numer   INT          NOT NULL DEFAULT 0,
  flg_Text    VARCHAR(50)  NOT NULL,
  flg_IdGrupy INT          NOT NULL
);
CREATE TABLE fl_Wartosc (
  flw_IdGrupyFlag         INT          NOT NULL,
  flw_TypObiektu          INT          NOT NULL,
  flw_IdObiektu           INT          NOT NULL,
  flw_IdFlagi             INT          NULL,
  flw_Komentarz           VARCHAR(255) NOT NULL DEFAULT '',
  flw_IdUzytkownika       INT          NOT NULL DEFAULT 1,
  flw_CzasOstatniejZmiany TIMESTAMP     NOT NULL DEFAULT '2024-01-01',
  PRIMARY KEY (flw_IdGrupyFlag, flw_IdObiektu)
);
CREATE INDEX flw_obiekt ON fl_Wartosc (flw_IdObiektu, flw_IdFlagi);

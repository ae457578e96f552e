-- Comarch ERP Optima test schema (research erp-schemas.md §10.3). Tables live in schema CDN:
-- in SQLite the connection attaches a second file AS CDN before this script runs.
CREATE TABLE CDN.Kontrahenci (
  Knt_KntId                 INT           NOT NULL PRIMARY KEY,
  Knt_PodmiotTyp            SMALLINT      NOT NULL DEFAULT 1,
  Knt_Kod                   VARCHAR(20)   NOT NULL,
  Knt_Nazwa1                NVARCHAR(50)  NOT NULL DEFAULT '',
  Knt_Nazwa2                NVARCHAR(50)  NOT NULL DEFAULT '',
  Knt_Nazwa3                NVARCHAR(250) NOT NULL DEFAULT '',
  Knt_Ulica                 NVARCHAR(40)  NOT NULL DEFAULT '',
  Knt_NrDomu                NVARCHAR(10)  NOT NULL DEFAULT '',
  Knt_NrLokalu              NVARCHAR(10)  NOT NULL DEFAULT '',
  Knt_Miasto                NVARCHAR(40)  NOT NULL DEFAULT '',
  Knt_KodPocztowy           VARCHAR(10)   NOT NULL DEFAULT '',
  Knt_NipKraj               VARCHAR(2)    NOT NULL DEFAULT '',
  Knt_NipE                  VARCHAR(13)   NOT NULL DEFAULT '',
  Knt_Nip                   VARCHAR(13)   NOT NULL DEFAULT '',
  Knt_Pesel                 NVARCHAR(11)  NOT NULL DEFAULT '',
  Knt_Telefon1              VARCHAR(20)   NOT NULL DEFAULT '',
  Knt_Telefon2              VARCHAR(20)   NOT NULL DEFAULT '',
  Knt_TelefonSms            VARCHAR(20)   NOT NULL DEFAULT '',
  Knt_Email                 NVARCHAR(127) NOT NULL DEFAULT '',
  Knt_Finalny               TINYINT       NOT NULL DEFAULT 0,
  Knt_PodatekVat            TINYINT       NOT NULL DEFAULT 1,
  Knt_Nieaktywny            TINYINT       NOT NULL DEFAULT 0,
  Knt_WindykacjaSchematId   INT           NULL,
  Knt_WindykacjaEMail       NVARCHAR(127) NOT NULL DEFAULT '',
  Knt_WindykacjaTelefonSms  VARCHAR(20)   NOT NULL DEFAULT '',
  Knt_TS_Mod                DATETIME      NULL
);
CREATE TABLE CDN.TraNag (
  TrN_TrNID         INT          NOT NULL PRIMARY KEY,
  TrN_TypDokumentu  INT          NOT NULL,
  TrN_Rodzaj        INT          NOT NULL DEFAULT 0,
  TrN_NumerPelny    VARCHAR(30)  NOT NULL,
  TrN_DataDok       DATETIME     NOT NULL,
  TrN_Termin        DATETIME     NULL,
  TrN_PodmiotTyp    SMALLINT     NOT NULL DEFAULT 1,
  TrN_PodID         INT          NULL,
  TrN_Bufor         SMALLINT     NOT NULL DEFAULT 0,
  TrN_Anulowany     SMALLINT     NOT NULL DEFAULT 0
);
CREATE TABLE CDN.BnkZdarzenia (
  BZd_BZdID                INT            NOT NULL PRIMARY KEY,
  BZd_Kierunek             SMALLINT       NOT NULL,
  BZd_PodmiotTyp           SMALLINT       NOT NULL,
  BZd_PodmiotID            INT            NOT NULL,
  BZd_DokumentTyp          SMALLINT       NOT NULL DEFAULT 0,
  BZd_DokumentID           INT            NOT NULL DEFAULT 0,
  BZd_NumerPelny           VARCHAR(30)    NOT NULL DEFAULT '',
  BZd_DataDok              DATETIME       NOT NULL,
  BZd_Termin               DATETIME       NOT NULL,
  BZd_DataRoz              DATETIME       NULL,
  BZd_Kwota                DECIMAL(15,2)  NOT NULL,
  BZd_KwotaSys             DECIMAL(15,2)  NOT NULL,
  BZd_KwotaRoz             DECIMAL(15,2)  NOT NULL DEFAULT 0,
  BZd_KwotaRozSys          DECIMAL(15,2)  NOT NULL DEFAULT 0,
  BZd_Waluta               VARCHAR(3)     NOT NULL DEFAULT '',
  BZd_Rozliczono           SMALLINT       NOT NULL DEFAULT 1,
  BZd_Rozliczono2          SMALLINT       NOT NULL DEFAULT 1,
  BZd_Stan                 SMALLINT       NOT NULL DEFAULT 1,
  BZd_WindykacjaSchematId  INT            NULL
);
CREATE TABLE CDN.DefAtrybuty (
  DeA_DeAId  INT          NOT NULL PRIMARY KEY,
  DeA_Kod    VARCHAR(40)  NOT NULL,
  DeA_Nazwa  VARCHAR(80)  NOT NULL DEFAULT ''
);
CREATE TABLE CDN.DokAtrybuty (
  DAt_DAtID          INT            NOT NULL PRIMARY KEY,
  DAt_TrNId          INT            NOT NULL,
  DAt_Kod            VARCHAR(40)    NOT NULL,
  DAt_WartoscDecimal DECIMAL(15,4)  NULL
);
CREATE TABLE CDN.KntAtrybuty (
  KnA_KnAId      INT      NOT NULL PRIMARY KEY,
  KnA_PodmiotTyp SMALLINT NOT NULL,
  KnA_PodmiotId  INT      NOT NULL,
  KnA_DeAId      INT      NOT NULL
);

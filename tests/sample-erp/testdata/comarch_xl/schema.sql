-- Comarch ERP XL test schema (research erp-schemas.md §4). Schema CDN (attached file in SQLite).
-- Dates are Clarion day numbers (days since 1800-12-28).
CREATE TABLE CDN.KntKarty (
  Knt_GIDTyp     SMALLINT     NOT NULL DEFAULT 32,
  Knt_GIDNumer   INT          NOT NULL PRIMARY KEY,
  Knt_Akronim    VARCHAR(20)  NOT NULL,
  Knt_Nazwa1     VARCHAR(50)  NOT NULL DEFAULT '',
  Knt_Nazwa2     VARCHAR(50)  NOT NULL DEFAULT '',
  Knt_Nazwa3     VARCHAR(250) NOT NULL DEFAULT '',
  Knt_KodP       VARCHAR(10)  NOT NULL DEFAULT '',
  Knt_Miasto     VARCHAR(30)  NOT NULL DEFAULT '',
  Knt_Ulica      VARCHAR(30)  NOT NULL DEFAULT '',
  Knt_Adres      VARCHAR(30)  NOT NULL DEFAULT '',
  Knt_NipE       VARCHAR(20)  NOT NULL DEFAULT '',
  Knt_Nip        VARCHAR(20)  NOT NULL DEFAULT '',
  Knt_Pesel      VARCHAR(11)  NOT NULL DEFAULT '',
  Knt_Telefon1   VARCHAR(30)  NOT NULL DEFAULT '',
  Knt_Telefon2   VARCHAR(30)  NOT NULL DEFAULT '',
  Knt_EMail      VARCHAR(255) NOT NULL DEFAULT '',
  Knt_Osoba      SMALLINT     NOT NULL DEFAULT 0,
  Knt_LastModL   INT          NOT NULL DEFAULT 0
);
CREATE TABLE CDN.Obiekty (
  OB_GIDTyp  SMALLINT    NOT NULL PRIMARY KEY,
  OB_Skrot   VARCHAR(10) NOT NULL
);
CREATE TABLE CDN.TraNag (
  TrN_GIDTyp    SMALLINT    NOT NULL,
  TrN_GIDNumer  INT         NOT NULL,
  TrN_TrNNumer  INT         NOT NULL,
  TrN_TrNRok    SMALLINT    NOT NULL,
  TrN_TrNSeria  VARCHAR(5)  NOT NULL DEFAULT '',
  TrN_Data2     INT         NOT NULL,
  TrN_Stan      SMALLINT    NOT NULL DEFAULT 3,
  PRIMARY KEY (TrN_GIDTyp, TrN_GIDNumer)
);
CREATE TABLE CDN.TraPlat (
  TrP_GIDTyp     SMALLINT      NOT NULL,
  TrP_GIDNumer   INT           NOT NULL,
  TrP_GIDLp      SMALLINT      NOT NULL,
  TrP_Typ        SMALLINT      NOT NULL,
  TrP_KntTyp     SMALLINT      NOT NULL,
  TrP_KntNumer   INT           NOT NULL,
  TrP_Rozliczona SMALLINT      NOT NULL DEFAULT 0,
  TrP_Kwota      DECIMAL(15,2) NOT NULL,
  TrP_Pozostaje  DECIMAL(15,2) NOT NULL,
  TrP_Waluta     VARCHAR(3)    NOT NULL DEFAULT '',
  TrP_Termin     INT           NOT NULL,
  PRIMARY KEY (TrP_GIDTyp, TrP_GIDNumer, TrP_GIDLp)
);
